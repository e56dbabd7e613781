package io.kymux.webrtc.rtp;

import java.nio.ByteBuffer;

/** The fixed 12-byte RTP header (RFC 3550 §5.1), no CSRCs; written with or without a header extension. */
public record RtpHeader(boolean marker, int payloadType, int sequence, long timestamp, long ssrc) {

    public static final int SIZE = 12;

    public void write(ByteBuffer out) {
        write(out, null);
    }

    /**
     * With {@code extension} (not null): the X bit set and the extension block after the
     * fixed header, e.g. {@link #oneByteExtension}.
     */
    public void write(ByteBuffer out, byte[] extension) {
        out.put((byte) (extension == null ? 0x80 : 0x90));
        out.put((byte) ((marker ? 0x80 : 0) | (payloadType & 0x7f)));
        out.putShort((short) sequence);
        out.putInt((int) timestamp);
        out.putInt((int) ssrc);
        if (extension != null) {
            out.put(extension);
        }
    }

    /**
     * An RFC 8285 one-byte-header extension block (0xBEDE, its length in words, then the
     * element and zero padding) holding one element: {@code id} (1-14) and 1-16 bytes of data.
     */
    public static byte[] oneByteExtension(int id, byte[] data) {
        if (id < 1 || id > 14 || data.length < 1 || data.length > 16) {
            throw new IllegalArgumentException("one-byte extension id " + id + " with " + data.length + " bytes");
        }
        int words = (1 + data.length + 3) / 4;
        ByteBuffer b = ByteBuffer.allocate(4 + words * 4);
        b.putShort((short) 0xBEDE).putShort((short) words).put((byte) (id << 4 | (data.length - 1))).put(data);
        return b.array();
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
