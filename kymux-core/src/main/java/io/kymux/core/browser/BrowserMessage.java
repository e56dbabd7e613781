package io.kymux.core.browser;

import io.kymux.core.media.Frame;
import io.kymux.core.session.QueueItem;
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
     * composite holding a retained duplicate of it. The caller still owns the frame. The
     * seq is the one the session gave the item, never the feed's: frames the session
     * dropped must leave no gap.
     */
    public static ByteBuf encode(QueueItem.Media m, ByteBufAllocator alloc) {
        ByteBuf header = alloc.buffer(HEADER_SIZE, HEADER_SIZE);
        writeHeader(m, header);
        CompositeByteBuf msg = alloc.compositeBuffer(2);
        msg.addComponent(true, header);
        msg.addComponent(true, m.frame().payload().retainedDuplicate());
        return msg;
    }

    private static void writeHeader(QueueItem.Media m, ByteBuf out) {
        if (m.track() < 0 || m.track() > 255) {
            throw new IllegalArgumentException("track out of range: " + m.track());
        }
        Frame frame = m.frame();
        int flags = (frame.key() ? FLAG_KEY : 0) | (frame.config() ? FLAG_CONFIG : 0) | (m.replay() ? FLAG_REPLAY : 0);
        out.writeByte(m.track());
        out.writeByte(flags);
        out.writeInt((int) m.seq());
        out.writeLong(frame.ptsUs());
    }
}
