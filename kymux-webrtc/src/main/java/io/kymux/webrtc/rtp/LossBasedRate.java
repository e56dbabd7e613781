package io.kymux.webrtc.rtp;

/**
 * What a WebRTC viewer's path carries, from the loss its receiver reports show, as the
 * loss-based half of Google's congestion control does (draft-ietf-rmcat-gcc-02, 6): under
 * 2 % lost the estimate grows 8 % a second from at least what was sent; between 2 and 10 %
 * it holds; above 10 % it falls by half the loss, from what was sent where that is less. kymux has no
 * delay-based half (Chromium sends no REMB, and transport-wide feedback is not read), so a
 * path is probed by this growth alone. Sans-I/O: the caller passes the reports and the time.
 */
public final class LossBasedRate {

    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final double GROWTH_PER_SECOND = 1.08;
    public static final long FLOOR_BITS_PER_SECOND = 30_000;
    public static final long CEILING_BITS_PER_SECOND = 100_000_000;

    private long estimate = -1;
    private long lastReportUs = Long.MIN_VALUE;
    private long lastBytesSent;

    /**
     * A report block for the video stream arrived at {@code nowUs}; {@code bytesSent} is every
     * media byte sent to this viewer so far, resends left out (the send rate is taken since
     * the last report).
     */
    public void report(int fractionLost, long bytesSent, long nowUs) {
        if (lastReportUs == Long.MIN_VALUE) {
            lastReportUs = nowUs;
            lastBytesSent = bytesSent;
            return; // a rate needs two reports
        }
        long intervalUs = nowUs - lastReportUs;
        if (intervalUs < 100_000) {
            return; // reports bunched together: the next one spans a useful time
        }
        long sentBps = (bytesSent - lastBytesSent) * 8 * 1_000_000 / intervalUs;
        lastReportUs = nowUs;
        lastBytesSent = bytesSent;
        double loss = fractionLost / 256.0;
        long next;
        if (loss < LOW_LOSS) {
            next = (long) (Math.max(estimate, sentBps) * Math.pow(GROWTH_PER_SECOND, intervalUs / 1e6));
        } else if (loss <= HIGH_LOSS) {
            next = estimate < 0 ? sentBps : estimate;
        } else {
            next = (long) ((estimate < 0 ? sentBps : Math.min(estimate, sentBps)) * (1 - 0.5 * loss));
        }
        estimate = Math.max(FLOOR_BITS_PER_SECOND, Math.min(CEILING_BITS_PER_SECOND, next));
    }

    /** Bits per second; -1 before two reports. */
    public long estimate() {
        return estimate;
    }
}
