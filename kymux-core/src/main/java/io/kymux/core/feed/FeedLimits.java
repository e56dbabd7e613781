package io.kymux.core.feed;

/**
 * Bounds of a feed's GOP cache. When the frames since the last keyframe exceed either
 * bound, the cache is emptied and new viewers wait for the next keyframe.
 */
public record FeedLimits(long gopMaxBytes, long gopMaxAgeUs) {

    /** 32 MiB and 120 s: a 60 s GOP at 4 Mb/s fits. */
    public static final FeedLimits DEFAULT = new FeedLimits(32L * 1024 * 1024, 120_000_000L);

    public FeedLimits {
        if (gopMaxBytes <= 0 || gopMaxAgeUs <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
