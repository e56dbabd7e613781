package io.kymux.core.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.List;

/**
 * Cuts a frame into datagrams of at most {@code maxDatagram} bytes (header included),
 * plus XOR parity fragments when FEC is on. Data fragments share the frame's buffer
 * (retained slices, no copy); parity fragments are computed into new buffers.
 */
public final class Fragmenter {

    private final ByteBufAllocator alloc;

    public Fragmenter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Payload bytes per fragment for a datagram size. */
    public static int fragmentSize(int maxDatagram) {
        if (maxDatagram <= MediaDatagram.HEADER + 16) {
            throw new IllegalArgumentException("datagrams of " + maxDatagram + " bytes are too small");
        }
        return maxDatagram - MediaDatagram.HEADER;
    }

    /**
     * Adds the datagrams of one frame to {@code out}; {@code payload} is not released.
     * Returns how many were added.
     */
    public int fragment(int track, long frame, long ptsUs, boolean key, ByteBuf payload, int maxDatagram, Fec fec,
                        List<ByteBuf> out) {
        int size = payload.readableBytes();
        if (size == 0) {
            throw new IllegalArgumentException("empty frame");
        }
        int frag = Math.min(fragmentSize(maxDatagram), size);
        int count = (size + frag - 1) / frag;
        if (count > 0xffff) {
            throw new IllegalArgumentException("frame of " + size + " bytes needs more than 65535 fragments");
        }
        int flags = key ? MediaDatagram.FLAG_KEY : 0;
        int start = payload.readerIndex();
        for (int i = 0; i < count; i++) {
            int off = i * frag;
            int len = Math.min(frag, size - off);
            ByteBuf head = alloc.buffer(MediaDatagram.HEADER);
            new MediaDatagram(track, flags, fec.group(), frame, i, count, ptsUs, size).write(head);
            CompositeByteBuf d = alloc.compositeBuffer(2);
            d.addComponents(true, head, payload.retainedSlice(start + off, len));
            out.add(d);
        }
        for (int g = 0; g < fec.groups(count); g++) {
            int first = g * fec.group();
            int last = Math.min(count, first + fec.group());
            ByteBuf parity = alloc.buffer(MediaDatagram.HEADER + frag);
            new MediaDatagram(track, flags | MediaDatagram.FLAG_PARITY, fec.group(), frame, g, count, ptsUs, size)
                    .write(parity);
            int base = parity.writerIndex();
            parity.writeZero(frag);
            for (int i = first; i < last; i++) {
                int off = i * frag;
                xorInto(parity, base, payload, start + off, Math.min(frag, size - off));
            }
            out.add(parity);
        }
        return count + fec.groups(count);
    }

    /** {@code dst[dstIndex..+len) ^= src[srcIndex..+len)}, eight bytes at a time. */
    static void xorInto(ByteBuf dst, int dstIndex, ByteBuf src, int srcIndex, int len) {
        int b = 0;
        for (; b + 8 <= len; b += 8) {
            dst.setLong(dstIndex + b, dst.getLong(dstIndex + b) ^ src.getLong(srcIndex + b));
        }
        for (; b < len; b++) {
            dst.setByte(dstIndex + b, dst.getByte(dstIndex + b) ^ src.getByte(srcIndex + b));
        }
    }
}
