package io.kymux.server;

import io.kymux.core.io.PeerGone;
import org.slf4j.Logger;

/** The one log line for a connection that ended by an error: INFO when its peer just went away, WARN otherwise. */
public final class ConnectionEnd {

    private ConnectionEnd() {
    }

    /** {@code what}: the connection, as the log names it ("session 4", "ingest video0"). */
    public static void log(Logger log, String what, Throwable cause) {
        if (PeerGone.test(cause)) {
            log.info("{} gone ({})", what, PeerGone.describe(cause));
        } else {
            log.warn("{} failed: {}", what, cause.toString());
        }
    }
}
