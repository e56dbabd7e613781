package io.kymux.core.session;

import io.kymux.core.media.TrackInfo;

/** Control events a session hands its transport, in order with the media. */
public sealed interface SessionEvent {

    /**
     * A track's description changed: a new producer, new codec parameters, or a switch to
     * another rendition ({@code feed} is then the rendition's, and {@code linkBitsPerSecond}
     * the estimate it was chosen by; -1 otherwise).
     */
    record TrackChanged(int track, String feed, TrackInfo info, long linkBitsPerSecond) implements SessionEvent {

        public TrackChanged(int track, String feed, TrackInfo info) {
            this(track, feed, info, -1);
        }
    }

    record SourceEnded(int track, String feed) implements SessionEvent {
    }

    /** The stream no longer includes this track's feed (vw's mute by re-posting). */
    record Muted(int track, String feed) implements SessionEvent {
    }
}
