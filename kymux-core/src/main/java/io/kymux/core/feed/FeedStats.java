package io.kymux.core.feed;

/**
 * A snapshot of a feed's counters, for the API and metrics. {@code ingestDelayUs} is the
 * latest frame's receive time minus its capture PTS: capture, encode and upload together
 * (meaningful when producer and server clocks agree).
 */
public record FeedStats(long framesIn, long bytesIn, long keyframes, long lastPtsUs, double fps,
                        double bitrateBps, int viewers, long gopFrames, long gopBytes, long gopOverflows,
                        long ingestDelayUs) {
}
