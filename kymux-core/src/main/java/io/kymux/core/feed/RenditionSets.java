package io.kymux.core.feed;

import java.util.List;

/** Where a session finds the renditions of the feed it watches. */
@FunctionalInterface
public interface RenditionSets {

    /** Feeds that have no renditions. */
    RenditionSets NONE = feed -> List.of();

    /**
     * The live renditions of {@code feed}'s set, highest bitrate first; empty or one entry
     * when there is nothing to choose from. Called outside any session's lock: it may read feeds.
     */
    List<Rendition> of(Feed feed);
}
