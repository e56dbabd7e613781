package io.kymux.webrtc.rtp;

import java.nio.ByteBuffer;

/** The fixed 12-byte RTP header (RFC 3550 §5.1), no CSRCs, no extension. */
public record RtpHeader(boolean marker, int payloadType, int sequence, long timestamp, long ssrc) {

    public static final int SIZE = 12;

    public void write(ByteBuffer out) {
        out.put((byte) 0x80);
        out.put((byte) ((marker ? 0x80 : 0) | (payloadType & 0x7f)));
        out.putShort((short) sequence);
        out.putInt((int) timestamp);
        out.putInt((int) ssrc);
    }

    /** Reads a header (skipping CSRCs and an extension); the buffer is left at the payload. */
    public static RtpHeader read(ByteBuffer in) {
        if (in.remaining() < SIZE) {
            throw new IllegalArgumentException("RTP packet shorter than its header");
        }
        int b0 = in.get() & 0xff;
        if (b0 >> 6 != 2) {
            throw new IllegalArgumentException("not RTP version 2");
        }
        int b1 = in.get() & 0xff;
        RtpHeader h = new RtpHeader((b1 & 0x80) != 0, b1 & 0x7f, in.getShort() & 0xffff, in.getInt() & 0xffffffffL,
                in.getInt() & 0xffffffffL);
        int skip = (b0 & 0x0f) * 4;
        if ((b0 & 0x10) != 0) {
            if (in.remaining() < skip + 4) {
                throw new IllegalArgumentException("truncated RTP extension");
            }
            skip += 4 + (in.getShort(in.position() + skip + 2) & 0xffff) * 4;
        }
        if (skip > in.remaining()) {
            throw new IllegalArgumentException("truncated RTP header");
        }
        in.position(in.position() + skip);
        return h;
    }
}
