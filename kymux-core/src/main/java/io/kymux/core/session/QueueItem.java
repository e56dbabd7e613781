package io.kymux.core.session;

import io.kymux.core.media.Frame;

/** What a session queue holds: control messages (never dropped) and media frames. */
public sealed interface QueueItem {

    /** A transport-independent control message, e.g. a track description. */
    record Control(SessionEvent event) implements QueueItem {
    }

    /**
     * A frame of one track, with the instant after which it is too late to send.
     * {@code replay} marks a frame of the cached GOP sent to a joining viewer.
     */
    record Media(int track, boolean video, Frame frame, long deadlineUs, boolean replay) implements QueueItem {

        /** Config and GOP replay must reach the decoder: no deadline, outside the bounds. */
        public boolean mustDeliver() {
            return replay || frame.config();
        }
    }
}
