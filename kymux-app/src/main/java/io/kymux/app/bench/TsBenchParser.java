package io.kymux.app.bench;

import io.netty.buffer.ByteBuf;

/**
 * Reads a bench viewer's TS bytes, split anywhere (a reference relay forwards its
 * ingest's chunks as they come): finds each frame of {@link SyntheticTsStream} by its
 * stamp and reports it once its last packet is in; a frame that lost packets is not
 * reported (the bench counts what was published and not reported as dropped).
 */
final class TsBenchParser {

    interface Frames {
        void frame(long sendUs, int bytes);
    }

    private static final int PACKET = 188;
    private final Frames frames;
    private final byte[] carry = new byte[PACKET];
    private final ByteBuf carryBuf = io.netty.buffer.Unpooled.wrappedBuffer(carry);
    private int carried;
    private long sendUs;
    private int remaining;
    private int bytesSinceFrame;

    TsBenchParser(Frames frames) {
        this.frames = frames;
    }

    void accept(ByteBuf b) {
        bytesSinceFrame += b.readableBytes();
        while (b.isReadable()) {
            if (carried > 0 || b.readableBytes() < PACKET) {
                int n = Math.min(PACKET - carried, b.readableBytes());
                b.readBytes(carry, carried, n);
                carried += n;
                if (carried == PACKET) {
                    packet(carryBuf, 0);
                    carried = 0;
                }
            } else {
                packet(b, b.readerIndex());
                b.skipBytes(PACKET);
            }
        }
    }

    private void packet(ByteBuf b, int at) {
        if (b.getByte(at) != 0x47) {
            return;
        }
        int pid = (b.getUnsignedByte(at + 1) & 0x1f) << 8 | b.getUnsignedByte(at + 2);
        if (pid != SyntheticTsStream.VIDEO_PID) {
            return;
        }
        boolean unitStart = (b.getUnsignedByte(at + 1) & 0x40) != 0;
        int afc = b.getUnsignedByte(at + 3) >> 4 & 0x3;
        int payload = (afc & 0x2) != 0 ? 5 + b.getUnsignedByte(at + 4) : 4;
        if (unitStart) {
            remaining = 0; // a frame still missing packets lost its tail
            int stamp = at + payload + SyntheticTsStream.STAMP_AT;
            if (stamp + 20 > at + PACKET || b.getInt(stamp) != SyntheticTsStream.MAGIC) {
                return;
            }
            sendUs = b.getLong(stamp + 8);
            remaining = b.getInt(stamp + 16);
        }
        if (remaining > 0 && --remaining == 0) {
            frames.frame(sendUs, bytesSinceFrame);
            bytesSinceFrame = 0;
        }
    }
}
