package io.kymux.core.session;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.Rendition;
import io.kymux.core.media.Frame;
import io.kymux.core.media.TrackInfo;
import java.util.List;

/**
 * The feeds behind one track of a session: the feed it was opened on (its number's owner),
 * the rendition delivering now, and the one it is switching to until that one's next
 * keyframe. Guarded by the session's monitor.
 */
final class TrackFeeds {

    final Feed base;
    volatile Feed current;
    Feed pending;
    /** The pending rendition's description and latest config, sent just before its keyframe. */
    TrackInfo pendingInfo;
    Frame pendingConfig;
    /** A rendition the viewer or an operator asked for by name; null: chosen by the link. */
    String pinned;
    long switches;
    /** The link estimate at the last choice, told to the viewer with the switch. */
    long chosenAtBitsPerSecond = -1;
    long switchedAtUs = Long.MIN_VALUE / 2;
    final RenditionChooser chooser = new RenditionChooser();

    TrackFeeds(Feed base) {
        this.base = base;
        this.current = base;
    }

    boolean delivers(Feed f) {
        return current == f || pending == f;
    }

    /** Forgets the pending switch; returns the feed to unsubscribe from, or null. */
    Feed cancelPending() {
        Feed p = pending;
        pending = null;
        pendingInfo = null;
        if (pendingConfig != null) {
            pendingConfig.release();
            pendingConfig = null;
        }
        return p;
    }

    /** The rendition to be on: the pinned one if it is in the set, else the chooser's. */
    Feed choose(List<Rendition> set, long estimateBitsPerSecond, boolean struggling, long nowUs) {
        if (pinned != null) {
            for (Rendition r : set) {
                if (r.feed().name().equals(pinned)) {
                    return r.feed();
                }
            }
        }
        long[] rates = new long[set.size()];
        int at = -1;
        for (int i = 0; i < rates.length; i++) {
            rates[i] = set.get(i).bitsPerSecond();
            if (set.get(i).feed() == current) {
                at = i;
            }
        }
        int chosen = chooser.choose(rates, at, estimateBitsPerSecond, struggling, nowUs);
        return chosen < 0 ? current : set.get(chosen).feed();
    }
}
