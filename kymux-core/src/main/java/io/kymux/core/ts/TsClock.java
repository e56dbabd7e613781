package io.kymux.core.ts;

/**
 * One program's 90 kHz clock moved onto the server's: the server's time at the first
 * timestamp, then the PTS difference, across the 2^33 wrap. Shared by a program's streams
 * so their pictures and sounds keep the offsets the encoder gave them. A jump of more than
 * {@link #REBASE_US} (a restarted encoder) maps anew to the server's clock. Sans-I/O.
 */
public final class TsClock {

    static final long REBASE_US = 10_000_000;
    private static final long WRAP = 1L << 33;

    private long lastRaw = -1;
    private long baseUs;
    /** 90 kHz ticks since the base, unwrapped. */
    private long offset90k;

    /** The server-clock µs of a 33-bit timestamp seen at {@code nowUs}. */
    public long toUs(long raw90k, long nowUs) {
        if (lastRaw < 0) {
            baseUs = nowUs;
            offset90k = 0;
        } else {
            long delta = (raw90k - lastRaw) & (WRAP - 1);
            if (delta >= WRAP / 2) {
                delta -= WRAP;
            }
            if (Math.abs(delta * 100 / 9) > REBASE_US) {
                baseUs = nowUs;
                offset90k = 0;
            } else {
                offset90k += delta;
            }
        }
        lastRaw = raw90k;
        return baseUs + offset90k * 100 / 9;
    }
}
