package io.kymux.webrtc.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/** The growable byte window jitsi-srtp transforms in place (tags appended, stripped). */
final class SrtpBuffer implements ByteArrayBuffer {

    private byte[] buffer;
    private int offset;
    private int length;

    /** A copy of {@code packet} with {@code trailer} bytes of room for what the transform appends. */
    SrtpBuffer(byte[] packet, int trailer) {
        buffer = new byte[packet.length + trailer];
        System.arraycopy(packet, 0, buffer, 0, packet.length);
        length = packet.length;
    }

    /** The packet: the buffer itself when the transform filled it exactly (protecting), else a copy. */
    byte[] toArray() {
        if (offset == 0 && length == buffer.length) {
            return buffer;
        }
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
