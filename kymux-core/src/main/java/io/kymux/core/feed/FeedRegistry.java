package io.kymux.core.feed;

/** Packet-stream feeds by name, bounded in number. */
public final class FeedRegistry extends BoundedRegistry<Feed> {

    public FeedRegistry(FeedLimits limits, int maxFeeds) {
        super(maxFeeds, n -> new Feed(n, limits));
    }

    public void disposeAll() {
        clear(Feed::dispose);
    }
}
