package io.kymux.core.session;

import io.kymux.core.media.Frame;

/** What a session queue holds: control messages (never dropped) and media frames. */
public sealed interface QueueItem {

    /** A transport-independent control message, e.g. a track description. */
    record Control(SessionEvent event) implements QueueItem {
    }

    /** A frame of one track, with the instant after which it is too late to send. */
    record Media(int track, boolean video, Frame frame, long deadlineUs) implements QueueItem {
    }
}
