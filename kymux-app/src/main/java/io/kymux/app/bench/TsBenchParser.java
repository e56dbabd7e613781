package io.kymux.app.bench;

import io.netty.buffer.ByteBuf;

/**
 * Reads a bench viewer's TS bytes, split anywhere (a reference relay forwards its
 * ingest's chunks as they come): finds each frame of {@link SyntheticTsStream} by its
 * stamp and reports it once its last packet is in. A frame that lost packets, or frames
 * never seen, count as dropped.
 */
final class TsBenchParser {

    interface Frames {
        void frame(long sendUs, int bytes);
    }

    private static final int PACKET = 188;
    private final Frames frames;
    private final byte[] carry = new byte[PACKET];
    private int carried;
    private long lastSeq = -1;
    private long sendUs;
    private int remaining;
    private long dropped;
    private int bytesSinceFrame;

    TsBenchParser(Frames frames) {
        this.frames = frames;
    }

    long dropped() {
        return dropped;
    }

    void accept(ByteBuf b) {
        bytesSinceFrame += b.readableBytes();
        while (b.isReadable()) {
            if (carried > 0 || b.readableBytes() < PACKET) {
                int n = Math.min(PACKET - carried, b.readableBytes());
                b.readBytes(carry, carried, n);
                carried += n;
                if (carried == PACKET) {
                    packet(io.netty.buffer.Unpooled.wrappedBuffer(carry), 0);
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
            if (remaining > 0) {
                dropped++; // the frame before lost its tail
            }
            remaining = 0;
            int stamp = at + payload + SyntheticTsStream.STAMP_AT;
            if (stamp + 20 > at + PACKET || b.getInt(stamp) != SyntheticTsStream.MAGIC) {
                return;
            }
            long seq = b.getUnsignedInt(stamp + 4);
            if (lastSeq >= 0 && seq > lastSeq + 1) {
                dropped += seq - lastSeq - 1;
            }
            lastSeq = seq;
            sendUs = b.getLong(stamp + 8);
            remaining = b.getInt(stamp + 16);
        }
        if (remaining > 0 && --remaining == 0) {
            frames.frame(sendUs, bytesSinceFrame);
            bytesSinceFrame = 0;
        }
    }
}
