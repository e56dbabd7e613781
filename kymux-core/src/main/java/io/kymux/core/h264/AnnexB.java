package io.kymux.core.h264;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Splits an H.264 Annex B byte stream (start codes 00 00 01 / 00 00 00 01) into NAL units. */
public final class AnnexB {

    private AnnexB() {
    }

    /**
     * Slices (not copies, not retained) of each NAL unit in {@code au}, without start codes.
     * Bytes before the first start code are ignored.
     */
    public static List<ByteBuf> nalUnits(ByteBuf au) {
        List<ByteBuf> out = new ArrayList<>();
        int end = au.writerIndex();
        int start = nextStart(au, au.readerIndex(), end);
        while (start >= 0) {
            int next = nextStart(au, start, end);
            int nalEnd = next < 0 ? end : startCodeBegin(au, next);
            if (nalEnd > start) {
                out.add(au.slice(start, nalEnd - start));
            }
            start = next;
        }
        return out;
    }

    /**
     * The NAL units of {@code au} that {@code keep} picks (e.g. parameter sets), copied into a
     * new Annex B buffer with 4-byte start codes; empty when it picks none.
     */
    public static java.util.Optional<ByteBuf> copyNalUnits(ByteBuf au, java.util.function.Predicate<ByteBuf> keep,
                                                           io.netty.buffer.ByteBufAllocator alloc) {
        ByteBuf out = null;
        for (ByteBuf nal : nalUnits(au)) {
            if (keep.test(nal)) {
                if (out == null) {
                    out = alloc.buffer();
                }
                out.writeInt(1).writeBytes(nal, nal.readerIndex(), nal.readableBytes());
            }
        }
        return java.util.Optional.ofNullable(out);
    }

    /** The nal_unit_type (low 5 bits of the first byte). */
    public static int nalType(ByteBuf nal) {
        return nal.getByte(nal.readerIndex()) & 0x1f;
    }

    /** Index just past the next 00 00 01 at or after {@code from}, or -1. */
    private static int nextStart(ByteBuf b, int from, int end) {
        for (int i = from; i + 2 < end; i++) {
            if (b.getByte(i + 2) > 1) {
                i += 2; // neither of the next two can end a start code
                continue;
            }
            if (b.getByte(i) == 0 && b.getByte(i + 1) == 0 && b.getByte(i + 2) == 1) {
                return i + 3;
            }
        }
        return -1;
    }

    /** Given the index just past 00 00 01, where the start code (3 or 4 bytes) began. */
    private static int startCodeBegin(ByteBuf b, int afterStart) {
        int begin = afterStart - 3;
        if (begin > 0 && b.getByte(begin - 1) == 0) {
            begin--;
        }
        return begin;
    }
}
