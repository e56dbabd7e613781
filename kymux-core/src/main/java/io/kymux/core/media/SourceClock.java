package io.kymux.core.media;

/**
 * A source's media clock moved onto the server's: an N-bit counter at {@code hz} (MPEG-TS's
 * 33 bits at 90 kHz, RTP's 32 bits at 90 or 48 kHz) becomes capture-time µs, the server's
 * time at the first timestamp, then the timestamp difference, across the counter's wrap. A
 * jump of more than {@link #REBASE_US} (a restarted encoder) maps anew to the server's
 * clock. One program's streams share one clock so they keep the offsets their encoder gave
 * them. Sans-I/O.
 */
public final class SourceClock {

    public static final long REBASE_US = 10_000_000;

    private final long wrap;
    private final long hz;
    private long lastRaw = -1;
    private long baseUs;
    /** Ticks since the base, unwrapped. */
    private long offsetTicks;

    public SourceClock(int bits, long hz) {
        this.wrap = 1L << bits;
        this.hz = hz;
    }

    /** MPEG-TS PTS and DTS. */
    public static SourceClock mpegTs() {
        return new SourceClock(33, 90_000);
    }

    /** The server-clock µs of a timestamp seen at {@code nowUs}. */
    public long toUs(long raw, long nowUs) {
        raw &= wrap - 1;
        if (lastRaw < 0) {
            baseUs = nowUs;
            offsetTicks = 0;
        } else {
            long delta = (raw - lastRaw) & (wrap - 1);
            if (delta >= wrap / 2) {
                delta -= wrap;
            }
            if (Math.abs(delta) * 1_000_000 / hz > REBASE_US) {
                baseUs = nowUs;
                offsetTicks = 0;
            } else {
                offsetTicks += delta;
            }
        }
        lastRaw = raw;
        return baseUs + offsetTicks * 1_000_000 / hz;
    }
}
