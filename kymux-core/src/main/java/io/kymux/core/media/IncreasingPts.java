package io.kymux.core.media;

/**
 * One stream's PTS kept strictly increasing, as the packet stream requires: a timestamp not
 * after the last one (a reordered or repeated source stamp) becomes the last one plus 1 µs.
 */
public final class IncreasingPts {

    private long last = Long.MIN_VALUE;

    public long next(long ptsUs) {
        last = last == Long.MIN_VALUE ? ptsUs : Math.max(ptsUs, last + 1);
        return last;
    }
}
