package io.kymux.webrtc.rtp;

import io.kymux.core.h264.AnnexB;
import io.kymux.core.h264.NalType;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 over RTP, packetization-mode 1 (RFC 6184): an access unit in Annex B becomes
 * single-NAL packets, SPS and PPS aggregated into one STAP-A ahead of the slices, and
 * FU-A fragments for NAL units larger than the payload budget. The last packet of the
 * access unit carries the marker bit. 90 kHz timestamps from capture PTS in µs.
 */
public final class H264Packetizer {

    public static final int STAP_A = 24;
    public static final int FU_A = 28;

    private final int payloadType;
    private final long ssrc;
    private final int maxPayload;
    private int sequence;

    public H264Packetizer(int payloadType, long ssrc, int mtu, int firstSequence) {
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.maxPayload = mtu - RtpHeader.SIZE;
        this.sequence = firstSequence & 0xffff;
        if (maxPayload < 64) {
            throw new IllegalArgumentException("MTU " + mtu + " too small");
        }
    }

    public static long timestamp90k(long ptsUs) {
        return (ptsUs * 9 / 100) & 0xffffffffL;
    }

    /** The RTP packets of one access unit (not released). */
    public List<byte[]> packetize(ByteBuf accessUnit, long ptsUs) {
        long ts = timestamp90k(ptsUs);
        List<ByteBuf> nals = new ArrayList<>(AnnexB.nalUnits(accessUnit));
        nals.removeIf(n -> n.readableBytes() == 0 || AnnexB.nalType(n) == NalType.AUD);
        List<byte[]> payloads = new ArrayList<>();
        List<ByteBuf> parameterSets = new ArrayList<>();
        for (ByteBuf n : nals) {
            int t = AnnexB.nalType(n);
            if (t == NalType.SPS || t == NalType.PPS) {
                parameterSets.add(n);
                continue;
            }
            flushStapA(parameterSets, payloads);
            if (n.readableBytes() <= maxPayload) {
                payloads.add(bytes(n, n.readerIndex(), n.readableBytes()));
            } else {
                fragment(n, payloads);
            }
        }
        flushStapA(parameterSets, payloads);
        List<byte[]> out = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            ByteBuffer b = ByteBuffer.allocate(RtpHeader.SIZE + p.length);
            new RtpHeader(i == payloads.size() - 1, payloadType, sequence, ts, ssrc).write(b);
            sequence = (sequence + 1) & 0xffff;
            b.put(p);
            out.add(b.array());
        }
        return out;
    }

    /** SPS/PPS into one STAP-A (or singly if they do not fit together). */
    private void flushStapA(List<ByteBuf> sets, List<byte[]> payloads) {
        if (sets.isEmpty()) {
            return;
        }
        int size = 1 + sets.stream().mapToInt(s -> 2 + s.readableBytes()).sum();
        if (sets.size() == 1 || size > maxPayload) {
            sets.forEach(s -> payloads.add(bytes(s, s.readerIndex(), s.readableBytes())));
        } else {
            ByteBuffer b = ByteBuffer.allocate(size);
            int nri = sets.stream().mapToInt(s -> s.getByte(s.readerIndex()) & 0x60).max().orElse(0x60);
            b.put((byte) (nri | STAP_A));
            for (ByteBuf s : sets) {
                b.putShort((short) s.readableBytes());
                b.put(bytes(s, s.readerIndex(), s.readableBytes()));
            }
            payloads.add(b.array());
        }
        sets.clear();
    }

    private void fragment(ByteBuf nal, List<byte[]> payloads) {
        byte header = nal.getByte(nal.readerIndex());
        int type = header & 0x1f;
        int indicator = (header & 0xe0) | FU_A;
        int pos = nal.readerIndex() + 1;
        int end = nal.writerIndex();
        int chunk = maxPayload - 2;
        boolean first = true;
        while (pos < end) {
            int n = Math.min(chunk, end - pos);
            boolean last = pos + n == end;
            ByteBuffer b = ByteBuffer.allocate(2 + n);
            b.put((byte) indicator);
            b.put((byte) ((first ? 0x80 : 0) | (last ? 0x40 : 0) | type));
            b.put(bytes(nal, pos, n));
            payloads.add(b.array());
            pos += n;
            first = false;
        }
    }

    private static byte[] bytes(ByteBuf b, int index, int length) {
        byte[] out = new byte[length];
        b.getBytes(index, out);
        return out;
    }
}
