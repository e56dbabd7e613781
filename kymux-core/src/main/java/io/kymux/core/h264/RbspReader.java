package io.kymux.core.h264;

import io.netty.buffer.ByteBuf;

/**
 * Bit reader over a NAL unit's payload with emulation-prevention bytes (00 00 03) removed,
 * with the Exp-Golomb codes of H.264 section 9.1 (H.265 9.2 uses the same).
 */
public final class RbspReader {

    private final byte[] data;
    private int bitPos;

    public RbspReader(ByteBuf nal, int skipBytes) {
        int len = nal.readableBytes();
        byte[] out = new byte[len];
        int n = 0;
        int zeros = 0;
        for (int i = skipBytes; i < len; i++) {
            byte b = nal.getByte(nal.readerIndex() + i);
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        data = java.util.Arrays.copyOf(out, n);
    }

    public int bit() {
        if (bitPos >= data.length * 8) {
            throw new IllegalArgumentException("SPS ends early");
        }
        int v = (data[bitPos >> 3] >> (7 - (bitPos & 7))) & 1;
        bitPos++;
        return v;
    }

    public int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    public boolean flag() {
        return bit() == 1;
    }

    public int ue() {
        int zeros = 0;
        while (bit() == 0) {
            if (++zeros > 31) {
                throw new IllegalArgumentException("Exp-Golomb code too long");
            }
        }
        long v = (1L << zeros) - 1 + (zeros == 0 ? 0 : Integer.toUnsignedLong(bits(zeros)));
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Exp-Golomb value too large");
        }
        return (int) v;
    }

    public int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
