package io.kymux.core.feed;

import io.kymux.core.media.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames from the last keyframe on, so a viewer that joins mid-GOP can decode at
 * once. Bounded by bytes and by age (receive time of the keyframe); past either bound
 * the cache is dropped whole, since a GOP with a hole cannot be decoded.
 */
final class GopCache {

    private final FeedLimits limits;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long bytes;
    private long overflows;

    GopCache(FeedLimits limits) {
        this.limits = limits;
    }

    /** Takes a reference of its own to {@code frame} if it keeps it. */
    void add(Frame frame, long nowUs) {
        if (frame.key()) {
            clear();
        } else if (frames.isEmpty()) {
            return; // no keyframe to build on
        }
        frames.add(frame.retainedDuplicate());
        bytes += frame.size();
        if (bytes > limits.gopMaxBytes() || nowUs - frames.peekFirst().receivedUs() > limits.gopMaxAgeUs()) {
            overflows++;
            clear();
        }
    }

    /** Retained duplicates of the cached frames, oldest (the keyframe) first. */
    List<Frame> snapshot() {
        List<Frame> out = new ArrayList<>(frames.size());
        for (Frame f : frames) {
            out.add(f.retainedDuplicate());
        }
        return out;
    }

    void clear() {
        for (Frame f : frames) {
            f.release();
        }
        frames.clear();
        bytes = 0;
    }

    int frameCount() {
        return frames.size();
    }

    long bytes() {
        return bytes;
    }

    long overflows() {
        return overflows;
    }
}
