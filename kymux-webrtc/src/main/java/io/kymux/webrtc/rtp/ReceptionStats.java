package io.kymux.webrtc.rtp;

/**
 * What RFC 3550 section 6.4.1 asks a receiver to report of one incoming SSRC: the extended
 * highest sequence number, packets lost (cumulative and as a fraction since the last
 * report), interarrival jitter (A.8) and the last sender report's time with the delay
 * since, from which the sender learns its round trip. A publisher's congestion control
 * (Chromium's loss-based estimate) reads these. Sans-I/O: times are given.
 */
public final class ReceptionStats {

    private final long ssrc;
    private final int clockRate;
    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private double jitter;
    private long lastTransit = Long.MIN_VALUE;
    private long lastSrMiddle;
    private long lastSrArrivalUs = -1;

    public ReceptionStats(long ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** A packet arrived: its sequence number and RTP timestamp, at {@code arrivalUs}. */
    public void packet(int sequence, long rtpTime, long arrivalUs) {
        int seq = sequence & 0xffff;
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta < 0x8000) { // in order, possibly past a gap (a retransmission counts again, as RFC 3550 allows)
                if (seq < maxSeq) {
                    cycles += 0x10000;
                }
                maxSeq = seq;
            }
        }
        received++;
        long transit = arrivalUs * clockRate / 1_000_000 - rtpTime;
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            if (d < clockRate * 10L) { // a timestamp jump (new source) is not jitter
                jitter += (d - jitter) / 16.0;
            }
        }
        lastTransit = transit;
    }

    /** A sender report of this SSRC arrived: its 64-bit NTP time. */
    public void senderReport(long ntpTime, long arrivalUs) {
        lastSrMiddle = (ntpTime >>> 16) & 0xffffffffL;
        lastSrArrivalUs = arrivalUs;
    }

    /** Whether a packet came yet (nothing to report before). */
    public boolean started() {
        return started;
    }

    /** One report block (24 bytes), as of {@code nowUs}; the fraction lost is since the last call. */
    public byte[] reportBlock(long nowUs) {
        long extendedMax = cycles + maxSeq;
        long expected = extendedMax - baseSeq + 1;
        long lost = Math.max(-0x800000, Math.min(0x7fffff, expected - received));
        long expectedInterval = expected - expectedPrior;
        long lostInterval = expectedInterval - (received - receivedPrior);
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        long dlsr = lastSrArrivalUs < 0 ? 0 : ((nowUs - lastSrArrivalUs) << 16) / 1_000_000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24);
        b.putInt((int) ssrc);
        b.putInt(fraction << 24 | (int) (lost & 0xffffff));
        b.putInt((int) extendedMax);
        b.putInt((int) jitter);
        b.putInt((int) lastSrMiddle);
        b.putInt((int) dlsr);
        return b.array();
    }
}
