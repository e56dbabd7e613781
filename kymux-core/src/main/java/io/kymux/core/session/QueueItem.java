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
     *
     * <p>{@code seq} is the frame's number for this viewer, given as it leaves the queue
     * (-1 while queued): consecutive per track over the frames the
     * session sends, so frames it drops leave no gap and a gap seen by the viewer is a
     * frame lost on the way. A config frame carries the number of the frame after it.
     */
    record Media(int track, boolean video, Frame frame, long deadlineUs, boolean replay, long seq)
            implements QueueItem {

        Media(int track, boolean video, Frame frame, long deadlineUs, boolean replay) {
            this(track, video, frame, deadlineUs, replay, -1);
        }

        Media numbered(long number) {
            return new Media(track, video, frame, deadlineUs, replay, number);
        }

        /** Config and GOP replay must reach the decoder: no deadline, outside the bounds. */
        public boolean mustDeliver() {
            return replay || frame.config();
        }
    }
}
