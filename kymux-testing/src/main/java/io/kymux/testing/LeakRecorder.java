package io.kymux.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records what Netty's leak detector reports (PARANOID in tests), so a test can assert
 * that nothing leaked instead of hoping someone reads the log. Installed for the whole
 * test JVM before any buffer class is loaded.
 */
public final class LeakRecorder implements LauncherSessionListener {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int interval, long maxActive) {
                return new Recording<>(resource, interval);
            }

            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int interval) {
                return new Recording<>(resource, interval);
            }
        });
    }

    /** Leaks reported so far, after giving the detector a chance to find collected ones. */
    public static List<String> leaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 2000; i++) { // the detector polls its queue when buffers are tracked
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
            }
        }
        return List.copyOf(LEAKS);
    }

    /** Like {@link #leaks()}, then clears them: each report fails one test class, not every later one. */
    public static List<String> takeLeaks() {
        List<String> found = leaks();
        LEAKS.removeAll(found);
        return found;
    }

    /** Drops the reports matching {@code marker} (a test that leaks on purpose cleans up after itself). */
    public static void forget(String marker) {
        LEAKS.removeIf(l -> l.contains(marker));
    }

    private static final class Recording<T> extends ResourceLeakDetector<T> {

        Recording(Class<T> resource, int interval) {
            super(resource, interval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + ": " + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
