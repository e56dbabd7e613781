package io.kymux.core.browser;

import io.kymux.core.media.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The binary media message shared by the WebSocket and WebTransport paths
 * (docs/protocol/browser-messages.md): a 14-byte header, then the payload.
 *
 * <pre>
 *  0      1      2             6                       14
 *  +------+------+-------------+-----------------------+---------...
 *  |track |flags | seq (u32 BE)| pts µs (u64 BE)       | payload
 *  +------+------+-------------+-----------------------+---------...
 *  flags: 0x01 keyframe, 0x02 config, 0x04 replay (a cached GOP frame sent at join)
 * </pre>
 */
public final class BrowserMessage {

    public static final int HEADER_SIZE = 14;
    public static final int FLAG_KEY = 0x01;
    public static final int FLAG_CONFIG = 0x02;
    public static final int FLAG_REPLAY = 0x04;

    private BrowserMessage() {
    }

    /**
     * Header plus the frame's payload, without copying the payload: the result is a
     * composite holding a retained duplicate of it. The caller still owns {@code frame}.
     * {@code seq} is the session's number for the frame, not the feed's.
     */
    public static ByteBuf encode(int track, long seq, Frame frame, boolean replay, ByteBufAllocator alloc) {
        ByteBuf header = alloc.buffer(HEADER_SIZE, HEADER_SIZE);
        writeHeader(track, seq, frame, replay, header);
        CompositeByteBuf msg = alloc.compositeBuffer(2);
        msg.addComponent(true, header);
        msg.addComponent(true, frame.payload().retainedDuplicate());
        return msg;
    }

    public static void writeHeader(int track, long seq, Frame frame, boolean replay, ByteBuf out) {
        if (track < 0 || track > 255) {
            throw new IllegalArgumentException("track out of range: " + track);
        }
        int flags = (frame.key() ? FLAG_KEY : 0) | (frame.config() ? FLAG_CONFIG : 0) | (replay ? FLAG_REPLAY : 0);
        out.writeByte(track);
        out.writeByte(flags);
        out.writeInt((int) seq);
        out.writeLong(frame.ptsUs());
    }
}
