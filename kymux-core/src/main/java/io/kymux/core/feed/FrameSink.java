package io.kymux.core.feed;

import io.kymux.core.media.Frame;
import io.kymux.core.media.TrackInfo;

/**
 * The one narrow interface through which a {@link Feed} fans out (like scrcpy's packet
 * sinks). Every transport's session implements it; adding a transport never touches Feed.
 *
 * <p>Calls arrive on the producer's thread while the feed is locked: implementations
 * must not block and must not call back into the feed.
 */
public interface FrameSink {

    /** The track description changed (new codec parameters or a new producer). */
    void onTrack(Feed feed, TrackInfo track);

    /** A frame; the sink owns this reference and must release it. */
    void onFrame(Feed feed, Frame frame);

    /** The producer went away; the feed may come back later with {@link #onTrack}. */
    void onSourceEnded(Feed feed);
}
