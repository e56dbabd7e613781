package io.kymux.core.feed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Packet-stream feeds by name, bounded in number. */
public final class FeedRegistry extends BoundedRegistry<Feed> {

    public FeedRegistry(FeedLimits limits, int maxFeeds) {
        super(maxFeeds, n -> new Feed(n, limits));
    }

    /**
     * The live renditions of a set's feed, highest bitrate first: the feed named as the set and
     * those named {@code set~label}. A viewer opened on one rendition by its own name
     * ({@code video0~360p}) stays on it: that feed has none. Every session on a set asks ten
     * times a second, so the registry is walked, not copied.
     */
    public List<Rendition> renditionsOf(Feed feed) {
        if (feed.name().indexOf(Rendition.SEPARATOR) >= 0) {
            return List.of();
        }
        String prefix = feed.name() + Rendition.SEPARATOR;
        List<Rendition> out = new ArrayList<>(4);
        forEach(f -> {
            if ((f == feed || f.name().startsWith(prefix)) && f.live()) {
                out.add(new Rendition(f, f.bitsPerSecond()));
            }
        });
        if (out.size() > 1) {
            out.sort(Comparator.comparingLong(Rendition::bitsPerSecond).reversed());
        }
        return out;
    }

    public void disposeAll() {
        clear(Feed::dispose);
    }
}
