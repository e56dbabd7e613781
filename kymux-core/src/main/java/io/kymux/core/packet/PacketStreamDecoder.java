package io.kymux.core.packet;

import io.kymux.core.media.MediaKind;
import io.kymux.core.packet.PacketStreamException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Incremental, sans-I/O decoder of the packet stream (docs/protocol/packet-stream.md).
 * Feed it bytes in chunks of any size; it appends complete events to the output list.
 *
 * <p>Memory: a packet's payload buffer is allocated when its 12-byte header has been
 * read, at exactly the announced size, and only if that size is within
 * {@code maxPacketSize}; nothing else grows with the input. After an error the decoder
 * is failed and rejects further input.
 */
public final class PacketStreamDecoder implements AutoCloseable {

    public static final int DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;
    public static final int MAX_DIMENSION = 16384;

    private enum State { CODEC, DIMENSIONS, PACKET_HEADER, PAYLOAD, FAILED }

    private final ByteBufAllocator alloc;
    private final int maxPacketSize;
    private final byte[] scratch = new byte[12];
    private int scratchFill;
    private State state = State.CODEC;
    private CodecId codec;
    private long offset;
    private long pendingPtsField;
    private ByteBuf payload;

    public PacketStreamDecoder(ByteBufAllocator alloc, int maxPacketSize) {
        if (maxPacketSize <= 0) {
            throw new IllegalArgumentException("maxPacketSize must be positive");
        }
        this.alloc = alloc;
        this.maxPacketSize = maxPacketSize;
    }

    public PacketStreamDecoder(ByteBufAllocator alloc) {
        this(alloc, DEFAULT_MAX_PACKET_SIZE);
    }

    /** Consumes all readable bytes of {@code in}; complete events go to {@code out}. */
    public void decode(ByteBuf in, List<? super PacketStreamEvent> out) {
        try {
            while (in.isReadable()) {
                switch (state) {
                    case CODEC -> readCodec(in, out);
                    case DIMENSIONS -> readDimensions(in, out);
                    case PACKET_HEADER -> readPacketHeader(in);
                    case PAYLOAD -> readPayload(in, out);
                    case FAILED -> throw new PacketStreamException(Reason.DECODER_FAILED, offset,
                            "decoder already failed");
                }
            }
        } catch (PacketStreamException e) {
            fail();
            throw e;
        }
    }

    /** Call at end of input: throws if the stream stopped inside a header or payload. */
    public void finish() {
        boolean clean = (state == State.PACKET_HEADER && scratchFill == 0)
                || (state == State.CODEC && scratchFill == 0 && offset == 0);
        if (!clean && state != State.FAILED) {
            State at = state;
            fail();
            throw new PacketStreamException(Reason.TRUNCATED, offset, "stream ended inside " + describe(at));
        }
    }

    /** The codec of this stream, once its header was read. */
    public CodecId codec() {
        return codec;
    }

    @Override
    public void close() {
        fail();
    }

    private void readCodec(ByteBuf in, List<? super PacketStreamEvent> out) {
        if (!fill(in, 4)) {
            return;
        }
        int id = intAt(0);
        codec = CodecId.fromId(id).orElseThrow(() -> new PacketStreamException(Reason.UNKNOWN_CODEC,
                offset - 4, String.format("unknown codec id 0x%08x", id)));
        scratchFill = 0;
        if (codec.kind() == MediaKind.VIDEO) {
            state = State.DIMENSIONS;
        } else {
            out.add(StreamHeader.audio(codec));
            state = State.PACKET_HEADER;
        }
    }

    private void readDimensions(ByteBuf in, List<? super PacketStreamEvent> out) {
        if (!fill(in, 8)) {
            return;
        }
        int width = intAt(0);
        int height = intAt(4);
        if (width <= 0 || height <= 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new PacketStreamException(Reason.BAD_DIMENSIONS, offset - 8,
                    "video size " + Integer.toUnsignedString(width) + "x" + Integer.toUnsignedString(height)
                            + " outside 1.." + MAX_DIMENSION);
        }
        scratchFill = 0;
        out.add(StreamHeader.video(codec, width, height));
        state = State.PACKET_HEADER;
    }

    private void readPacketHeader(ByteBuf in) {
        if (!fill(in, 12)) {
            return;
        }
        pendingPtsField = longAt(0);
        long size = Integer.toUnsignedLong(intAt(8));
        scratchFill = 0;
        if (size == 0) {
            throw new PacketStreamException(Reason.EMPTY_PACKET, offset - 12, "packet with size 0");
        }
        if (size > maxPacketSize) {
            throw new PacketStreamException(Reason.PACKET_TOO_LARGE, offset - 12,
                    "packet size " + size + " exceeds limit " + maxPacketSize);
        }
        payload = alloc.buffer((int) size, (int) size);
        state = State.PAYLOAD;
    }

    private void readPayload(ByteBuf in, List<? super PacketStreamEvent> out) {
        int n = Math.min(in.readableBytes(), payload.writableBytes());
        payload.writeBytes(in, n);
        offset += n;
        if (payload.isWritable()) {
            return;
        }
        ByteBuf done = payload;
        payload = null;
        state = State.PACKET_HEADER;
        long f = pendingPtsField;
        out.add(new MediaPacket(f & PacketFlags.PTS_MASK, (f & PacketFlags.CONFIG) != 0,
                (f & PacketFlags.KEY) != 0, done));
    }

    /** Copies header bytes into scratch until it holds {@code need}; true when complete. */
    private boolean fill(ByteBuf in, int need) {
        int n = Math.min(need - scratchFill, in.readableBytes());
        in.readBytes(scratch, scratchFill, n);
        scratchFill += n;
        offset += n;
        return scratchFill == need;
    }

    private int intAt(int i) {
        return (scratch[i] & 0xff) << 24 | (scratch[i + 1] & 0xff) << 16 | (scratch[i + 2] & 0xff) << 8
                | (scratch[i + 3] & 0xff);
    }

    private long longAt(int i) {
        return (Integer.toUnsignedLong(intAt(i)) << 32) | Integer.toUnsignedLong(intAt(i + 4));
    }

    private void fail() {
        state = State.FAILED;
        if (payload != null) {
            payload.release();
            payload = null;
        }
    }

    private static String describe(State s) {
        return switch (s) {
            case CODEC -> "the codec header";
            case DIMENSIONS -> "the video size";
            case PACKET_HEADER -> "a packet header";
            case PAYLOAD -> "a packet payload";
            case FAILED -> "a failed stream";
        };
    }
}
