package io.kymux.webrtc.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/** The growable byte window jitsi-srtp transforms in place (tags appended, stripped). */
final class SrtpBuffer implements ByteArrayBuffer {

    /** Room for the largest trailer a transform appends (GCM tag or HMAC-80 + SRTCP index). */
    private static final int TRAILER = 32;

    private byte[] buffer;
    private int offset;
    private int length;

    SrtpBuffer(byte[] packet) {
        buffer = new byte[packet.length + TRAILER];
        System.arraycopy(packet, 0, buffer, 0, packet.length);
        length = packet.length;
    }

    byte[] toArray() {
        byte[] out = new byte[length];
        System.arraycopy(buffer, offset, out, 0, length);
        return out;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int length) {
        this.length = length;
    }

    @Override
    public void setOffset(int offset) {
        this.offset = offset;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(buffer, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > buffer.length) {
            byte[] bigger = new byte[offset + length + howMuch];
            System.arraycopy(buffer, 0, bigger, 0, offset + length);
            buffer = bigger;
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buffer, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = Math.max(0, length - len);
    }
}
