package io.kymux.app.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/** One viewer of the bench, whatever its transport: what it received and how late. */
abstract class BenchClient {

    private final Recorder latencyUs;
    private final AtomicLong recordFromUs;
    private volatile long frames;
    private volatile long timedFrames;
    private volatile long bytes;
    private long lastFrameNanos;
    private volatile long maxGapNanos;

    /**
     * Latency is recorded for frames captured at or after {@code recordFromUs} (after
     * warm-up; set when publishing starts).
     */
    BenchClient(Recorder latencyUs, AtomicLong recordFromUs) {
        this.latencyUs = latencyUs;
        this.recordFromUs = recordFromUs;
    }

    /**
     * A media frame with this capture PTS and size arrived (called from one thread per viewer).
     * A {@code replay} frame (the cached GOP sent on join) is old by design: counted, not timed.
     */
    final void received(long ptsUs, int size, boolean replay) {
        if (!replay && ptsUs >= recordFromUs.get()) {
            latencyUs.recordValue(Math.max(0, SyntheticStream.nowUs() - ptsUs));
            timedFrames++;
        }
        frames++;
        bytes += size;
        long now = System.nanoTime();
        if (lastFrameNanos != 0) {
            maxGapNanos = Math.max(maxGapNanos, now - lastFrameNanos);
        }
        lastFrameNanos = now;
    }

    /** The longest time between two frames since the last call, µs; then starts again. */
    final long takeMaxGapUs() {
        long g = maxGapNanos;
        maxGapNanos = 0;
        return g / 1000;
    }

    final long frames() {
        return frames;
    }

    /** Frames received that were timed (published after the warm-up, not replayed). */
    final long timedFrames() {
        return timedFrames;
    }

    final long bytes() {
        return bytes;
    }

    abstract boolean slow();

    /** Frames the server dropped for this viewer, or that never arrived. */
    abstract long gaps();

    abstract void close();
}
