package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Cuts an MPEG-TS byte stream, arriving in pieces of any size, into runs of whole
 * 188-byte packets. A packet starts with the sync byte 0x47; when a packet boundary does
 * not hold one, or the next boundary does not (a producer restarted mid-packet, bytes were
 * lost), the aligner drops bytes up to the next 0x47 that is followed, 188 bytes later,
 * by another. A torn packet that happens to end the data is only caught with the next. Sans-I/O; keeps at most one
 * packet's worth of bytes between calls.
 */
public final class TsAligner {

    public static final int PACKET = 188;
    public static final byte SYNC = 0x47;

    private final ByteBufAllocator alloc;
    private ByteBuf rest;
    /** The last call ended on a packet boundary of a confirmed run. */
    private boolean inSync;
    private long skippedBytes;
    private long packets;

    public TsAligner(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Reads all of {@code in} (not released) and adds the runs of whole packets it completes
     * to {@code out} (usually one buffer, a copy of their bytes); the caller owns them.
     */
    public void accept(ByteBuf in, List<ByteBuf> out) {
        // copied, never sliced: a slice would keep the whole socket read buffer it came in
        // (often several times its size) alive for as long as the GOP cache holds the run
        int restBytes = rest == null ? 0 : rest.readableBytes();
        ByteBuf data = alloc.buffer(restBytes + in.readableBytes());
        if (rest != null) {
            data.writeBytes(rest);
            rest.release();
            rest = null;
        }
        data.writeBytes(in);
        int i = data.readerIndex();
        int limit = data.writerIndex();
        int runStart = -1;
        while (limit - i >= PACKET) {
            // a packet is confirmed by the sync byte of the next one; the last packet of the
            // data is taken on trust while in sync rather than held back (latency)
            boolean trusted = data.getByte(i) == SYNC && (limit - i > PACKET
                    ? data.getByte(i + PACKET) == SYNC
                    : inSync || runStart >= 0);
            if (trusted) {
                if (runStart < 0) {
                    runStart = i;
                }
                i += PACKET;
                continue;
            }
            if (data.getByte(i) == SYNC && limit - i == PACKET) {
                break; // a candidate we cannot confirm yet: wait for the next bytes
            }
            if (runStart >= 0) {
                emit(data, runStart, i, out);
                runStart = -1;
            }
            inSync = false;
            skippedBytes++;
            i++;
        }
        if (runStart >= 0) {
            emit(data, runStart, i, out);
            inSync = true;
        }
        if (limit > i) {
            rest = alloc.buffer(limit - i).writeBytes(data, i, limit - i);
        }
        data.release();
    }

    private void emit(ByteBuf data, int from, int to, List<ByteBuf> out) {
        out.add(data.retainedSlice(from, to - from));
        packets += (to - from) / PACKET;
    }

    /** Bytes thrown away while looking for sync. */
    public long skippedBytes() {
        return skippedBytes;
    }

    public long packets() {
        return packets;
    }

    /** Releases the bytes kept between calls. */
    public void close() {
        if (rest != null) {
            rest.release();
            rest = null;
        }
    }
}
