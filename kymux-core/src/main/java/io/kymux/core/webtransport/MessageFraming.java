package io.kymux.core.webtransport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * kymux's control messages on the page's WebTransport bidirectional stream: each a varint
 * length and that many bytes of UTF-8 JSON (the same JSON as the WebSocket's text messages).
 * The decoder keeps partial messages across reads and refuses oversized ones.
 */
public final class MessageFraming {

    public static final int MAX_MESSAGE = 64 * 1024;

    private final ByteBuf pending;

    public MessageFraming(ByteBufAllocator alloc) {
        this.pending = alloc.buffer(256);
    }

    public static ByteBuf encode(ByteBufAllocator alloc, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("message of " + b.length + " bytes");
        }
        ByteBuf out = alloc.buffer(QuicVarint.size(b.length) + b.length);
        QuicVarint.write(out, b.length);
        out.writeBytes(b);
        return out;
    }

    /**
     * Adds bytes (read, not released) and appends every complete message to {@code out}.
     *
     * @throws IllegalArgumentException a message longer than {@link #MAX_MESSAGE}
     */
    public void decode(ByteBuf in, List<String> out) {
        pending.writeBytes(in);
        while (true) {
            int start = pending.readerIndex();
            long length = QuicVarint.read(pending);
            if (length < 0) {
                break;
            }
            if (length > MAX_MESSAGE) {
                throw new IllegalArgumentException("message of " + length + " bytes (at most " + MAX_MESSAGE + ")");
            }
            if (pending.readableBytes() < length) {
                pending.readerIndex(start);
                break;
            }
            out.add(pending.readCharSequence((int) length, StandardCharsets.UTF_8).toString());
        }
        pending.discardReadBytes();
    }

    public void close() {
        pending.release();
    }
}
