package io.kymux.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A receiver's transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): when each packet with a
 * transport-wide sequence number arrived, so that the sender's delay-based estimator (Chromium's
 * GCC, publishing over WHIP) can tell how fast the path delivers. Sans-I/O: {@link #received}
 * with the arrival time, then {@link #feedback} for the RTCP packets to send.
 *
 * <p>Each feedback covers the sequence numbers from the first not yet covered to the highest
 * received, at most {@link #MAX_STATUSES}; a packet that arrives after its number was
 * covered (reordered past a feedback) was reported lost and is left so. Statuses are written
 * as two-bit status vector chunks, deltas in 250 µs ticks.
 */
public final class TransportCcFeedback {

    /** Statuses per feedback packet: 58 chunks and at most 800 bytes of deltas, within the MTU. */
    public static final int MAX_STATUSES = 400;
    /** A gap of more than this many sequence numbers is a new start, not that many losses. */
    static final int MAX_GAP = 4096;
    static final int FMT = 15;
    private static final long TICK_US = 250;
    private static final long REFERENCE_UNIT_US = 64_000;

    private final long senderSsrc;
    /** Arrival times (µs) by unwrapped sequence number from {@link #base}; -1 for not received. */
    private final List<Long> arrivals = new ArrayList<>();
    private long base = -1;
    private long highest = -1;
    private int feedbackCount;

    public TransportCcFeedback(long senderSsrc) {
        this.senderSsrc = senderSsrc;
    }

    /** A packet with transport-wide sequence number {@code sequence} (16 bits) arrived at {@code nowUs}. */
    public void received(int sequence, long nowUs) {
        long s = unwrap(sequence & 0xffff);
        if (base < 0 || s - highest > MAX_GAP || highest - s > MAX_GAP) {
            arrivals.clear(); // the first packet, or a jump: start over from here
            base = s;
            highest = s;
            arrivals.add(nowUs);
            return;
        }
        if (s < base) {
            return; // already covered by a feedback
        }
        while (base + arrivals.size() <= s) {
            arrivals.add(-1L);
        }
        int i = (int) (s - base);
        if (arrivals.get(i) < 0) {
            arrivals.set(i, nowUs);
        }
        highest = Math.max(highest, s);
        if (arrivals.size() > MAX_GAP) { // nobody asked for feedback for a long while: the oldest go unreported
            int drop = arrivals.size() - MAX_GAP;
            arrivals.subList(0, drop).clear();
            base += drop;
        }
    }

    private long unwrap(int sequence) {
        if (highest < 0) {
            return sequence;
        }
        long candidate = (highest & ~0xffffL) | sequence;
        if (candidate - highest > 0x8000) {
            candidate -= 0x10000;
        } else if (highest - candidate > 0x8000) {
            candidate += 0x10000;
        }
        return candidate;
    }

    /** Whether a packet arrived that no feedback has covered yet. */
    public boolean pending() {
        return arrivals.stream().anyMatch(t -> t >= 0);
    }

    /**
     * The feedback packets (RTCP RTPFB, FMT 15) for what arrived since the last call, about
     * {@code mediaSsrc}; none when nothing did.
     */
    public List<byte[]> feedback(long mediaSsrc) {
        List<byte[]> out = new ArrayList<>();
        while (pending()) {
            int count = firstChunk();
            if (count == 0) { // MAX_STATUSES lost in a row: the next feedback's base says so
                count = MAX_STATUSES;
            } else {
                out.add(encode(mediaSsrc, count));
            }
            arrivals.subList(0, count).clear();
            base += count;
        }
        return out;
    }

    /**
     * How many statuses from {@link #base} go into one packet: at most {@link #MAX_STATUSES},
     * ending at the last received packet, and before a delta too large for 16 bits.
     */
    private int firstChunk() {
        int end = Math.min(arrivals.size(), MAX_STATUSES);
        long previous = Long.MIN_VALUE;
        int lastReceived = 0;
        for (int i = 0; i < end; i++) {
            long t = arrivals.get(i);
            if (t < 0) {
                continue;
            }
            long ticks = Math.floorDiv(t, TICK_US);
            if (previous != Long.MIN_VALUE && (ticks - previous > Short.MAX_VALUE || ticks - previous < Short.MIN_VALUE)) {
                break;
            }
            previous = ticks;
            lastReceived = i + 1;
        }
        return lastReceived;
    }

    private byte[] encode(long mediaSsrc, int count) {
        long first = arrivals.stream().limit(count).filter(t -> t >= 0).findFirst().orElseThrow();
        long reference = Math.floorDiv(first, REFERENCE_UNIT_US);
        long previous = reference * (REFERENCE_UNIT_US / TICK_US);
        int chunks = (count + 6) / 7;
        ByteBuffer deltas = ByteBuffer.allocate(count * 2);
        ByteBuffer statuses = ByteBuffer.allocate(chunks * 2);
        int chunk = 0;
        for (int i = 0; i < count; i++) {
            long t = arrivals.get(i);
            int symbol = 0; // not received
            if (t >= 0) {
                long ticks = Math.floorDiv(t, TICK_US);
                long delta = ticks - previous;
                previous = ticks;
                if (delta >= 0 && delta <= 0xff) {
                    symbol = 1;
                    deltas.put((byte) delta);
                } else {
                    symbol = 2;
                    deltas.putShort((short) delta);
                }
            }
            chunk |= symbol << (2 * (6 - i % 7));
            if (i % 7 == 6 || i == count - 1) {
                statuses.putShort((short) (0xC000 | chunk)); // status vector chunk, two-bit symbols
                chunk = 0;
            }
        }
        int length = 20 + statuses.position() + deltas.position();
        int padded = (length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(padded);
        b.put((byte) (0x80 | (padded > length ? 0x20 : 0) | FMT)).put((byte) Rtcp.RTPFB).putShort((short) (padded / 4 - 1))
                .putInt((int) senderSsrc).putInt((int) mediaSsrc)
                .putShort((short) base).putShort((short) count)
                .put((byte) (reference >> 16)).put((byte) (reference >> 8)).put((byte) reference)
                .put((byte) feedbackCount++)
                .put(statuses.array(), 0, statuses.position()).put(deltas.array(), 0, deltas.position());
        if (padded > length) {
            b.put(padded - 1, (byte) (padded - length)); // RFC 3550 padding: its last byte counts it
        }
        return b.array();
    }

    /** One packet's status in a parsed feedback: when it arrived (µs, the reference's timeline) or -1. */
    public record Status(int sequence, long arrivalUs) {
    }

    /**
     * Reads a feedback packet back (for tests and diagnostics): each sequence number from the
     * base with its arrival time on the packet's own timeline, or -1 if it was not received.
     *
     * @throws IllegalArgumentException if it is not a well-formed FMT 15 feedback
     */
    public static List<Status> parse(byte[] packet) {
        ByteBuffer b = ByteBuffer.wrap(packet);
        if (packet.length < 20 || (packet[0] & 0xc0) != 0x80 || (packet[0] & 0x1f) != FMT
                || (packet[1] & 0xff) != Rtcp.RTPFB) {
            throw new IllegalArgumentException("not a transport-cc feedback");
        }
        int end = ((b.getShort(2) & 0xffff) + 1) * 4;
        if (end > packet.length) {
            throw new IllegalArgumentException("feedback longer than its packet");
        }
        if ((packet[0] & 0x20) != 0) {
            end -= packet[end - 1] & 0xff;
        }
        b.position(12);
        int base = b.getShort() & 0xffff;
        int count = b.getShort() & 0xffff;
        long reference = ((b.get() & 0xffL) << 16 | (b.get() & 0xffL) << 8 | (b.get() & 0xffL));
        b.get(); // feedback count
        int[] symbols = new int[count];
        int n = 0;
        while (n < count) {
            if (b.position() + 2 > end) {
                throw new IllegalArgumentException("statuses run past the packet");
            }
            int c = b.getShort() & 0xffff;
            if ((c & 0x8000) == 0) { // run length chunk
                int symbol = (c >> 13) & 3;
                for (int run = c & 0x1fff; run > 0 && n < count; run--) {
                    symbols[n++] = symbol;
                }
            } else if ((c & 0x4000) == 0) { // 14 one-bit symbols
                for (int i = 13; i >= 0 && n < count; i--) {
                    symbols[n++] = (c >> i) & 1;
                }
            } else { // 7 two-bit symbols
                for (int i = 6; i >= 0 && n < count; i--) {
                    symbols[n++] = (c >> (2 * i)) & 3;
                }
            }
        }
        List<Status> out = new ArrayList<>(count);
        long at = reference * REFERENCE_UNIT_US;
        for (int i = 0; i < count; i++) {
            int seq = (base + i) & 0xffff;
            if (symbols[i] == 0) {
                out.add(new Status(seq, -1));
                continue;
            }
            int size = symbols[i] == 1 ? 1 : 2;
            if (symbols[i] == 3 || b.position() + size > end) {
                throw new IllegalArgumentException("bad or missing receive delta for " + seq);
            }
            at += (size == 1 ? b.get() & 0xff : b.getShort()) * TICK_US;
            out.add(new Status(seq, at));
        }
        return out;
    }
}
