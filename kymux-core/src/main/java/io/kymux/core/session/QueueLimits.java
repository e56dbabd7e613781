package io.kymux.core.session;

/**
 * Bounds of a session's send queue and its latency budget. Config and control items are
 * never dropped and do not count against the bounds.
 *
 * @param keyframeSupersedes whether a new keyframe drops the queued frames before it at once
 *                           (a viewer: yes, the freshest picture wins; a relay push: no, it
 *                           forwards everything that is still within its budget)
 */
public record QueueLimits(int maxFrames, long maxBytes, long latencyBudgetUs, boolean keyframeSupersedes) {

    /** 120 frames, 8 MiB, 150 ms. */
    public static final QueueLimits DEFAULT = new QueueLimits(120, 8L * 1024 * 1024, 150_000);

    /** A viewer's limits: new keyframes supersede. */
    public QueueLimits(int maxFrames, long maxBytes, long latencyBudgetUs) {
        this(maxFrames, maxBytes, latencyBudgetUs, true);
    }

    /** The same bounds for a relay, which keeps frames a new keyframe would supersede. */
    public QueueLimits forRelay() {
        return new QueueLimits(maxFrames, maxBytes, latencyBudgetUs, false);
    }

    public QueueLimits {
        if (maxFrames <= 0 || maxBytes <= 0 || latencyBudgetUs <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
