package io.kymux.webrtc.rtp;

/**
 * The last {@code capacity} RTP packets sent on one SSRC, by sequence number, so a NACK can
 * be answered with a retransmission. Bounded by construction (a ring); a packet too old to
 * be in it is simply not resent.
 */
public final class RetransmitHistory {

    private final byte[][] packets;
    private final int[] sequences;

    public RetransmitHistory(int capacity) {
        packets = new byte[capacity][];
        sequences = new int[capacity];
    }

    public void sent(int sequence, byte[] packet) {
        int i = sequence % packets.length;
        packets[i] = packet;
        sequences[i] = sequence;
    }

    /** The packet with this sequence number, or null if it has been overwritten or was never sent. */
    public byte[] get(int sequence) {
        int i = (sequence & 0xffff) % packets.length;
        return packets[i] != null && sequences[i] == (sequence & 0xffff) ? packets[i] : null;
    }
}
