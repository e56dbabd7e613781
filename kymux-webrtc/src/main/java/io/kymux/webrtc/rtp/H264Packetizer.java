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
    private final byte[] extension;
    private final int extensionLength;
    private int sequence;

    public H264Packetizer(int payloadType, long ssrc, int mtu, int firstSequence) {
        this(payloadType, ssrc, mtu, firstSequence, null);
    }

    /** {@code extension}: a header extension block every packet carries (null for none). */
    public H264Packetizer(int payloadType, long ssrc, int mtu, int firstSequence, byte[] extension) {
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.extension = extension;
        this.extensionLength = extension == null ? 0 : extension.length;
        this.maxPayload = mtu - RtpHeader.SIZE - extensionLength;
        this.sequence = firstSequence & 0xffff;
        if (maxPayload < 64) {
            throw new IllegalArgumentException("MTU " + mtu + " too small");
        }
    }

    public static long timestamp90k(long ptsUs) {
        return (ptsUs * 9 / 100) & 0xffffffffL;
    }

    /** One RTP payload: a few header bytes of ours, then a slice of the access unit. */
    private record Piece(byte[] prefix, ByteBuf body) {
        int size() {
            return prefix.length + body.readableBytes();
        }
    }

    private static final byte[] NONE = new byte[0];

    /** The RTP packets of one access unit (not released); each payload byte is copied once. */
    public List<byte[]> packetize(ByteBuf accessUnit, long ptsUs) {
        long ts = timestamp90k(ptsUs);
        List<ByteBuf> nals = new ArrayList<>(AnnexB.nalUnits(accessUnit));
        nals.removeIf(n -> n.readableBytes() == 0 || AnnexB.nalType(n) == NalType.AUD);
        List<Piece> pieces = new ArrayList<>();
        List<ByteBuf> parameterSets = new ArrayList<>();
        for (ByteBuf n : nals) {
            int t = AnnexB.nalType(n);
            if (t == NalType.SPS || t == NalType.PPS) {
                parameterSets.add(n);
                continue;
            }
            flushStapA(parameterSets, pieces);
            if (n.readableBytes() <= maxPayload) {
                pieces.add(new Piece(NONE, n));
            } else {
                fragment(n, pieces);
            }
        }
        flushStapA(parameterSets, pieces);
        List<byte[]> out = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            ByteBuffer b = ByteBuffer.allocate(RtpHeader.SIZE + extensionLength + p.size());
            new RtpHeader(i == pieces.size() - 1, payloadType, sequence, ts, ssrc).write(b, extension);
            sequence = (sequence + 1) & 0xffff;
            b.put(p.prefix());
            p.body().getBytes(p.body().readerIndex(), b.array(), b.position(), p.body().readableBytes());
            out.add(b.array());
        }
        return out;
    }

    /** SPS/PPS into one STAP-A (or singly if they do not fit together). */
    private void flushStapA(List<ByteBuf> sets, List<Piece> pieces) {
        if (sets.isEmpty()) {
            return;
        }
        int size = 1 + sets.stream().mapToInt(s -> 2 + s.readableBytes()).sum();
        if (sets.size() == 1 || size > maxPayload) {
            sets.forEach(s -> pieces.add(new Piece(NONE, s)));
        } else {
            ByteBuffer b = ByteBuffer.allocate(size); // a few dozen bytes, once per keyframe
            int nri = sets.stream().mapToInt(s -> s.getByte(s.readerIndex()) & 0x60).max().orElse(0x60);
            b.put((byte) (nri | STAP_A));
            for (ByteBuf s : sets) {
                b.putShort((short) s.readableBytes());
                s.getBytes(s.readerIndex(), b.array(), b.position(), s.readableBytes());
                b.position(b.position() + s.readableBytes());
            }
            pieces.add(new Piece(b.array(), io.netty.buffer.Unpooled.EMPTY_BUFFER));
        }
        sets.clear();
    }

    private void fragment(ByteBuf nal, List<Piece> pieces) {
        byte header = nal.getByte(nal.readerIndex());
        int type = header & 0x1f;
        byte indicator = (byte) ((header & 0xe0) | FU_A);
        int pos = nal.readerIndex() + 1;
        int end = nal.writerIndex();
        int chunk = maxPayload - 2;
        boolean first = true;
        while (pos < end) {
            int n = Math.min(chunk, end - pos);
            boolean last = pos + n == end;
            byte fu = (byte) ((first ? 0x80 : 0) | (last ? 0x40 : 0) | type);
            pieces.add(new Piece(new byte[] {indicator, fu}, nal.slice(pos, n)));
            pos += n;
            first = false;
        }
    }
}
