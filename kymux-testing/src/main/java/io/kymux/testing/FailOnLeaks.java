package io.kymux.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran (or just before: the
 * detector finds a leak when the buffer is collected, so the report may come one class
 * late; the trace names where the buffer was last touched). Registered for every test class
 * of every module by service loading.
 */
public final class FailOnLeaks implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakRecorder.takeLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak report(s) by the end of "
                    + context.getRequiredTestClass().getName() + "; the first:\n" + leaks.get(0));
        }
    }
}
