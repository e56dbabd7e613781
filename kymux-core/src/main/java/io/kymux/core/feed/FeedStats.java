package io.kymux.core.feed;

/** A snapshot of a feed's counters, for the API and metrics. */
public record FeedStats(long framesIn, long bytesIn, long keyframes, long lastPtsUs, double fps,
                        double bitrateBps, int viewers, long gopFrames, long gopBytes, long gopOverflows) {
}
