package io.kymux.core.quic;

/**
 * Paces media datagrams to what the QUIC path carries. Netty drops datagrams that do not
 * fit its send queue without a word, so the sender must not outrun the congestion
 * window: a token bucket refilled at {@code 1.25 × cwnd / rtt} (from the connection's
 * path stats) with a burst of one window. A frame is sent whole once the bucket is not
 * empty (it may go into debt), so frames are never cut by pacing. Sans-I/O.
 */
public final class DatagramPacer {

    public static final long MIN_RATE_BPS = 1_000_000;
    public static final long MAX_RATE_BPS = 10_000_000_000L;

    private double rateBytesPerUs;
    private double burstBytes;
    private double tokens;
    private long lastUs = Long.MIN_VALUE;
    private long sentBytes;

    public DatagramPacer(long initialRateBps, long burstBytes) {
        this.rateBytesPerUs = initialRateBps / 8e6;
        this.burstBytes = burstBytes;
        this.tokens = burstBytes;
    }

    /** New path figures: congestion window (bytes) and smoothed RTT (µs). */
    public void update(long cwndBytes, long rttUs) {
        if (cwndBytes <= 0 || rttUs <= 0) {
            return;
        }
        double bps = 1.25 * cwndBytes * 8e6 / rttUs;
        rateBytesPerUs = Math.max(MIN_RATE_BPS, Math.min(MAX_RATE_BPS, bps)) / 8e6;
        burstBytes = Math.max(64 * 1024, cwndBytes);
    }

    /** Whether a frame may go now. */
    public boolean ready(long nowUs) {
        refill(nowUs);
        return tokens > 0;
    }

    /** A frame of {@code bytes} (datagrams, headers included) was sent. */
    public void sent(long bytes, long nowUs) {
        refill(nowUs);
        tokens -= bytes;
        sentBytes += bytes;
    }

    /** When {@link #ready} turns true, if it is false now. */
    public long readyAtUs(long nowUs) {
        refill(nowUs);
        return tokens > 0 ? nowUs : nowUs + (long) Math.ceil((1 - tokens) / rateBytesPerUs);
    }

    public long rateBps() {
        return (long) (rateBytesPerUs * 8e6);
    }

    public long sentBytes() {
        return sentBytes;
    }

    private void refill(long nowUs) {
        if (lastUs != Long.MIN_VALUE && nowUs > lastUs) {
            tokens = Math.min(burstBytes, tokens + (nowUs - lastUs) * rateBytesPerUs);
        }
        if (lastUs == Long.MIN_VALUE || nowUs > lastUs) {
            lastUs = nowUs;
        }
    }
}
