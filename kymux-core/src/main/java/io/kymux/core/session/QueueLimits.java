package io.kymux.core.session;

/**
 * Bounds of a session's send queue and its latency budget. Config and control items are
 * never dropped and do not count against the bounds.
 */
public record QueueLimits(int maxFrames, long maxBytes, long latencyBudgetUs) {

    /** 120 frames, 8 MiB, 150 ms. */
    public static final QueueLimits DEFAULT = new QueueLimits(120, 8L * 1024 * 1024, 150_000);

    public QueueLimits {
        if (maxFrames <= 0 || maxBytes <= 0 || latencyBudgetUs <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
