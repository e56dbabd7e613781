package io.kymux.core.session;

import java.util.ArrayDeque;

/**
 * The largest (or smallest) sample of the last {@code windowUs}, as BBR keeps its
 * bottleneck bandwidth and minimum RTT. A monotonic deque: each sample is added and removed
 * once, and the front is the answer. When every sample has aged out the newest one stays,
 * so an estimate survives a quiet spell (a viewer sent nothing for a while).
 */
final class WindowedExtreme {

    /** Samples kept at most; a burst beyond it forgets the oldest. */
    static final int MAX_SAMPLES = 256;

    private record Sample(long atUs, long value) {
    }

    private final long windowUs;
    private final boolean max;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    private WindowedExtreme(long windowUs, boolean max) {
        this.windowUs = windowUs;
        this.max = max;
    }

    static WindowedExtreme max(long windowUs) {
        return new WindowedExtreme(windowUs, true);
    }

    static WindowedExtreme min(long windowUs) {
        return new WindowedExtreme(windowUs, false);
    }

    void add(long value, long nowUs) {
        // a sample that can never again be the answer is gone at once
        while (!samples.isEmpty() && !beats(samples.peekLast().value(), value)) {
            samples.pollLast();
        }
        if (samples.size() == MAX_SAMPLES) {
            samples.pollFirst();
        }
        samples.addLast(new Sample(nowUs, value));
        expire(nowUs);
    }

    /** The extreme of the window; -1 before the first sample. */
    long get(long nowUs) {
        expire(nowUs);
        return samples.isEmpty() ? -1 : samples.peekFirst().value();
    }

    /** The current answer without ageing anything out (for statistics); -1 if none. */
    long peek() {
        return samples.isEmpty() ? -1 : samples.peekFirst().value();
    }

    /** Forgets every sample: what they measured no longer holds. */
    void clear() {
        samples.clear();
    }

    private void expire(long nowUs) {
        while (samples.size() > 1 && nowUs - samples.peekFirst().atUs() > windowUs) {
            samples.pollFirst();
        }
    }

    /** Whether a kept sample strictly beats a newer one (else the newer one replaces it). */
    private boolean beats(long kept, long newer) {
        return max ? kept > newer : kept < newer;
    }
}
