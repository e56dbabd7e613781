package io.kymux.core.loop;

/**
 * Reconnect delays: exponential from {@code baseMs} to {@code maxMs}, with "equal jitter"
 * (half fixed, half random) so many destinations that lost the same relay do not all
 * come back in the same millisecond. Pure: the random draw is an argument.
 */
public record Backoff(long baseMs, long maxMs) {

    public static final Backoff DEFAULT = new Backoff(250, 10_000);

    public Backoff {
        if (baseMs <= 0 || maxMs < baseMs) {
            throw new IllegalArgumentException("need 0 < baseMs <= maxMs");
        }
    }

    /** Delay before attempt number {@code failures} (1 = after the first failure); {@code random} in [0, 1). */
    public long delayMs(int failures, double random) {
        int shift = Math.max(0, Math.min(failures - 1, 30));
        long ceiling = Math.min(maxMs, baseMs << shift);
        return ceiling / 2 + (long) (random * (ceiling - ceiling / 2));
    }
}
