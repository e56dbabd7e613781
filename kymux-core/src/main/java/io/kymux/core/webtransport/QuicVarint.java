package io.kymux.core.webtransport;

import io.netty.buffer.ByteBuf;

/** QUIC variable-length integers (RFC 9000 §16): 1, 2, 4 or 8 bytes, the top two bits say which. */
public final class QuicVarint {

    public static final long MAX = (1L << 62) - 1;

    private QuicVarint() {
    }

    public static int size(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("varint out of range: " + v);
        }
        return v < 64 ? 1 : v < 16384 ? 2 : v < 1L << 30 ? 4 : 8;
    }

    public static void write(ByteBuf out, long v) {
        switch (size(v)) {
            case 1 -> out.writeByte((int) v);
            case 2 -> out.writeShort((int) (v | 0x4000));
            case 4 -> out.writeInt((int) (v | 0x8000_0000L));
            default -> out.writeLong(v | 0xC000_0000_0000_0000L);
        }
    }

    /** Reads one varint, or returns -1 (reader index unchanged) if it is not all there yet. */
    public static long read(ByteBuf in) {
        if (!in.isReadable()) {
            return -1;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        int length = 1 << (first >> 6);
        if (in.readableBytes() < length) {
            return -1;
        }
        return switch (length) {
            case 1 -> in.readUnsignedByte() & 0x3f;
            case 2 -> in.readUnsignedShort() & 0x3fff;
            case 4 -> in.readUnsignedInt() & 0x3fff_ffffL;
            default -> in.readLong() & 0x3fff_ffff_ffff_ffffL;
        };
    }
}
