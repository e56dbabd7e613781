package io.kymux.core.feed;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Feeds by name, bounded in number so hostile clients cannot create them without end. */
public final class FeedRegistry {

    private final ConcurrentMap<String, Feed> feeds = new ConcurrentHashMap<>();
    private final FeedLimits limits;
    private final int maxFeeds;

    public FeedRegistry(FeedLimits limits, int maxFeeds) {
        this.limits = limits;
        this.maxFeeds = maxFeeds;
    }

    /** The feed of that name, created if absent; empty when the registry is full. */
    public Optional<Feed> getOrCreate(String name) {
        Feed existing = feeds.get(name);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (feeds.size() >= maxFeeds) {
            return Optional.empty();
        }
        return Optional.of(feeds.computeIfAbsent(name, n -> new Feed(n, limits)));
    }

    public Optional<Feed> get(String name) {
        return Optional.ofNullable(feeds.get(name));
    }

    public Collection<Feed> all() {
        return List.copyOf(feeds.values());
    }

    public void disposeAll() {
        feeds.values().forEach(Feed::dispose);
        feeds.clear();
    }
}
