package io.kymux.core.session;

import io.kymux.core.media.TrackInfo;

/** Control events a session hands its transport, in order with the media. */
public sealed interface SessionEvent {

    record TrackChanged(int track, String feed, TrackInfo info) implements SessionEvent {
    }

    record SourceEnded(int track, String feed) implements SessionEvent {
    }

    /** The stream no longer includes this track's feed (vw's mute by re-posting). */
    record Muted(int track, String feed) implements SessionEvent {
    }
}
