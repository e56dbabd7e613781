package io.kymux.client;

import io.kymux.capture.FfmpegException;

/** Whether an output failed because its reader went away (a closed pipe, a player that left), not because of a fault. */
public final class ReaderGone {

    private ReaderGone() {
    }

    public static boolean test(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FfmpegException f && f.readerGone()) {
                return true;
            }
        }
        return io.kymux.core.io.PeerGone.test(t);
    }
}
