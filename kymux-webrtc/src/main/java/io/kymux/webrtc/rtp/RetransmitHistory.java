package io.kymux.webrtc.rtp;

/**
 * The last {@code capacity} RTP packets sent on one SSRC, by sequence number, so a NACK can
 * be answered with a retransmission. Bounded by construction (a ring); a packet too old to
 * be in it is simply not resent. A packet is resent {@link #MAX_RESENDS} times at most and
 * not again within {@link #RESEND_INTERVAL_US}: a viewer repeats its NACKs until the packet
 * comes, and on a thin link answering every one would fill the link with resends.
 */
public final class RetransmitHistory {

    /**
     * Enough that random loss almost never defeats recovery (at 3 % loss a packet is lost for
     * good once in a million), few enough that a tail-dropping thin link is not filled with
     * resends of the same packets.
     */
    public static final int MAX_RESENDS = 4;
    /** Longer than a round trip on the paths kymux is for: a NACK sooner repeats one in flight. */
    public static final long RESEND_INTERVAL_US = 100_000;

    private final byte[][] packets;
    private final int[] sequences;
    private final int[] resends;
    private final long[] resentUs;

    public RetransmitHistory(int capacity) {
        packets = new byte[capacity][];
        sequences = new int[capacity];
        resends = new int[capacity];
        resentUs = new long[capacity];
    }

    public void sent(int sequence, byte[] packet) {
        int i = sequence % packets.length;
        packets[i] = packet;
        sequences[i] = sequence;
        resends[i] = 0;
    }

    /** The packet to resend for a NACK at {@code nowUs}, or null (not kept, resent enough, or just now). */
    public byte[] resend(int sequence, long nowUs) {
        byte[] p = get(sequence);
        if (p == null) {
            return null;
        }
        int i = (sequence & 0xffff) % packets.length;
        if (resends[i] >= MAX_RESENDS || (resends[i] > 0 && nowUs - resentUs[i] < RESEND_INTERVAL_US)) {
            return null;
        }
        resends[i]++;
        resentUs[i] = nowUs;
        return p;
    }

    /** The packet with this sequence number, or null if it has been overwritten or was never sent. */
    public byte[] get(int sequence) {
        int i = (sequence & 0xffff) % packets.length;
        return packets[i] != null && sequences[i] == (sequence & 0xffff) ? packets[i] : null;
    }
}
