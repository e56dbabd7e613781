package io.kymux.core.media;

/**
 * A source's media clock moved onto the server's: an N-bit counter at {@code hz} (MPEG-TS's
 * 33 bits at 90 kHz, RTP's 32 bits at 90 or 48 kHz) becomes capture-time µs, the server's
 * time at the first timestamp, then the timestamp difference, across the counter's wrap. A
 * jump of more than {@link #REBASE_US} (a restarted encoder) maps anew to the server's
 * clock. One program's streams share one clock so they keep the offsets their encoder gave
 * them. Sans-I/O.
 *
 * <p>The first timestamp may itself have come late (an encoder's start-up, a TCP
 * retransmit), and the source's clock runs at its own rate: a mapping that stayed fixed
 * would put later pictures in the future, where a viewer's latency reads negative, or drift
 * further into the past every hour. So a timestamp never maps after the moment it arrived
 * (the mapping moves back at once), and when every timestamp of a {@link #WINDOW_US} window
 * arrived late, the mapping moves forward by the least of those lags.
 */
public final class SourceClock {

    public static final long REBASE_US = 10_000_000;
    public static final long WINDOW_US = 10_000_000;

    private final long wrap;
    private final long hz;
    private long lastRaw = -1;
    private long baseUs;
    /** Ticks since the base, unwrapped. */
    private long offsetTicks;
    private long windowStartUs;
    private long windowMinLagUs;

    public SourceClock(int bits, long hz) {
        this.wrap = 1L << bits;
        this.hz = hz;
    }

    /** MPEG-TS PTS and DTS. */
    public static SourceClock mpegTs() {
        return new SourceClock(33, 90_000);
    }

    /** The server-clock µs of a timestamp seen at {@code nowUs}: never after {@code nowUs}. */
    public long toUs(long raw, long nowUs) {
        raw &= wrap - 1;
        if (lastRaw < 0) {
            rebase(nowUs);
        } else {
            long delta = (raw - lastRaw) & (wrap - 1);
            if (delta >= wrap / 2) {
                delta -= wrap;
            }
            if (Math.abs(delta) * 1_000_000 / hz > REBASE_US) {
                rebase(nowUs);
            } else {
                offsetTicks += delta;
            }
        }
        lastRaw = raw;
        long mapped = baseUs + offsetTicks * 1_000_000 / hz;
        if (mapped > nowUs) {
            baseUs -= mapped - nowUs;
            mapped = nowUs;
        }
        windowMinLagUs = Math.min(windowMinLagUs, nowUs - mapped);
        if (nowUs - windowStartUs >= WINDOW_US) {
            baseUs += windowMinLagUs;
            windowStartUs = nowUs;
            windowMinLagUs = Long.MAX_VALUE;
        }
        return mapped;
    }

    private void rebase(long nowUs) {
        baseUs = nowUs;
        offsetTicks = 0;
        windowStartUs = nowUs;
        windowMinLagUs = Long.MAX_VALUE;
    }
}
