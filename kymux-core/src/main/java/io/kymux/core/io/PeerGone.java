package io.kymux.core.io;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * Whether a connection failed because its peer went away (a closed tab, a killed process,
 * a reader that had enough) rather than because something is wrong. A relay meets this
 * all day; it is told as a normal end, not as a warning.
 */
public final class PeerGone {

    private PeerGone() {
    }

    public static boolean test(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ClosedChannelException) {
                return true;
            }
            String m = c.getMessage();
            if (c instanceof IOException && m != null && (m.contains("Connection reset") || m.contains("Broken pipe"))) {
                return true;
            }
        }
        return false;
    }

    /** A few words for the log line: "connection reset", "broken pipe" or "closed". */
    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.contains("Connection reset")) {
                return "connection reset";
            }
            if (m != null && m.contains("Broken pipe")) {
                return "broken pipe";
            }
        }
        return "closed";
    }
}
