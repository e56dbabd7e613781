package io.kymux.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The RTCP kymux sends and reads (RFC 3550, RFC 4585, RFC 5104): sender and receiver
 * reports out; generic NACK, PLI, FIR and the report blocks of sender and receiver reports
 * in. A compound packet is read whole; malformed ones throw {@link IllegalArgumentException}
 * without side effects.
 */
public final class Rtcp {

    public static final int SR = 200;
    public static final int RR = 201;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;

    /** Feedback from a viewer. */
    public sealed interface Feedback {
        long mediaSsrc();

        /** Generic NACK: these sequence numbers were lost. */
        record Nack(long mediaSsrc, List<Integer> lost) implements Feedback {
        }

        /** Picture loss: send a keyframe. */
        record Pli(long mediaSsrc) implements Feedback {
        }

        /** Full intra request: send a keyframe. */
        record Fir(long mediaSsrc) implements Feedback {
        }

        /** A publisher's sender report: its SSRC and the 64-bit NTP time it was sent. */
        record SenderReport(long mediaSsrc, long ntpTime) implements Feedback {
        }

        /**
         * A report block (RFC 3550 6.4.1) of a viewer's receiver or sender report about one
         * of kymux's streams: the fraction lost since the last report (of 256) and the
         * extended highest sequence number received.
         */
        record ReceptionReport(long mediaSsrc, int fractionLost, long highestSequence) implements Feedback {
        }
    }

    private Rtcp() {
    }

    /** A sender report: {@code ntpTime} is the 64-bit NTP timestamp of {@code rtpTime}. */
    public static byte[] senderReport(long ssrc, long ntpTime, long rtpTime, long packets, long octets) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.put((byte) 0x80).put((byte) SR).putShort((short) 6).putInt((int) ssrc).putLong(ntpTime).putInt((int) rtpTime)
                .putInt((int) packets).putInt((int) octets);
        return b.array();
    }

    /** A receiver report from {@code senderSsrc} with these report blocks ({@link ReceptionStats#reportBlock}). */
    public static byte[] receiverReport(long senderSsrc, java.util.List<byte[]> blocks) {
        ByteBuffer b = ByteBuffer.allocate(8 + 24 * blocks.size());
        b.put((byte) (0x80 | blocks.size())).put((byte) RR).putShort((short) (1 + 6 * blocks.size())).putInt((int) senderSsrc);
        blocks.forEach(b::put);
        return b.array();
    }

    /** NTP time (seconds since 1900 in 32.32 fixed point) of a Unix time in µs. */
    public static long ntp(long unixUs) {
        long seconds = unixUs / 1_000_000 + 2_208_988_800L;
        long fraction = ((unixUs % 1_000_000) << 32) / 1_000_000;
        return (seconds << 32) | fraction;
    }

    /**
     * A generic NACK (RFC 4585 6.2.1) for {@code lost} sequence numbers of {@code mediaSsrc}:
     * each PID with the bitmask of the 16 after it.
     */
    public static byte[] nack(long senderSsrc, long mediaSsrc, List<Integer> lost) {
        List<int[]> pairs = new ArrayList<>();
        for (int seq : lost) {
            int[] last = pairs.isEmpty() ? null : pairs.get(pairs.size() - 1);
            int offset = last == null ? -1 : (seq - last[0]) & 0xffff;
            if (last != null && offset >= 1 && offset <= 16) {
                last[1] |= 1 << (offset - 1);
            } else {
                pairs.add(new int[] {seq & 0xffff, 0});
            }
        }
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * pairs.size());
        b.put((byte) 0x81).put((byte) RTPFB).putShort((short) (2 + pairs.size()));
        b.putInt((int) senderSsrc).putInt((int) mediaSsrc);
        for (int[] p : pairs) {
            b.putShort((short) p[0]).putShort((short) p[1]);
        }
        return b.array();
    }

    /** {@code count} report blocks from {@code at}, as many as fit before {@code end}. */
    private static void reportBlocks(ByteBuffer b, int at, int count, int end, List<Feedback> out) {
        for (int i = 0; i < count && at + 24 <= end; i++, at += 24) {
            long ssrc = b.getInt(at) & 0xffffffffL;
            int fraction = b.get(at + 4) & 0xff;
            long highest = b.getInt(at + 8) & 0xffffffffL;
            out.add(new Feedback.ReceptionReport(ssrc, fraction, highest));
        }
    }

    /** The feedback in a (decrypted) compound RTCP packet; other packet types are skipped. */
    public static List<Feedback> feedback(ByteBuffer in) {
        ByteBuffer b = in.slice();
        List<Feedback> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw new IllegalArgumentException("truncated RTCP header");
            }
            int start = b.position();
            int b0 = b.get() & 0xff;
            int pt = b.get() & 0xff;
            int words = b.getShort() & 0xffff;
            int end = start + 4 + words * 4;
            if (b0 >> 6 != 2 || end > b.limit()) {
                throw new IllegalArgumentException("malformed RTCP packet (type " + pt + ")");
            }
            int fmt = b0 & 0x1f;
            if (pt == SR && words >= 6) {
                out.add(new Feedback.SenderReport(b.getInt() & 0xffffffffL, b.getLong()));
                reportBlocks(b, start + 28, fmt, end, out);
            } else if (pt == RR && words >= 1) {
                reportBlocks(b, start + 8, fmt, end, out);
            } else if ((pt == RTPFB || pt == PSFB) && words >= 2) {
                b.getInt(); // sender SSRC
                long media = b.getInt() & 0xffffffffL;
                if (pt == RTPFB && fmt == 1) {
                    List<Integer> lost = new ArrayList<>();
                    while (b.position() + 4 <= end) {
                        int pid = b.getShort() & 0xffff;
                        int blp = b.getShort() & 0xffff;
                        lost.add(pid);
                        for (int i = 0; i < 16; i++) {
                            if ((blp & (1 << i)) != 0) {
                                lost.add((pid + i + 1) & 0xffff);
                            }
                        }
                    }
                    out.add(new Feedback.Nack(media, List.copyOf(lost)));
                } else if (pt == PSFB && fmt == 1) {
                    out.add(new Feedback.Pli(media));
                } else if (pt == PSFB && fmt == 4 && b.position() + 8 <= end) {
                    out.add(new Feedback.Fir(b.getInt() & 0xffffffffL));
                }
            }
            b.position(end);
        }
        return out;
    }
}
