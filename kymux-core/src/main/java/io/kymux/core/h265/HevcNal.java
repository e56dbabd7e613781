package io.kymux.core.h265;

import io.kymux.core.h264.AnnexB;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Optional;

/**
 * H.265 NAL units in Annex B (the start codes are H.264's): their two-byte header's type,
 * the random-access pictures a decoder can start at, and the parameter sets.
 */
public final class HevcNal {

    /** BLA, IDR and CRA pictures (types 16-21) and the reserved IRAP types 22-23. */
    static final int FIRST_IRAP = 16;
    static final int LAST_IRAP = 23;
    public static final int VPS = 32;
    public static final int SPS = 33;
    public static final int PPS = 34;

    private HevcNal() {
    }

    /** nal_unit_type: bits 1-6 of the first header byte. */
    public static int type(ByteBuf nal) {
        return (nal.getByte(nal.readerIndex()) >> 1) & 0x3f;
    }

    /** Whether the access unit holds an intra random access point picture. */
    public static boolean containsIrap(ByteBuf au) {
        for (ByteBuf nal : AnnexB.nalUnits(au)) {
            int t = type(nal);
            if (t >= FIRST_IRAP && t <= LAST_IRAP) {
                return true;
            }
        }
        return false;
    }

    /** The first SPS in the access unit, parsed; empty if none or malformed. */
    public static Optional<HevcSps> findSps(ByteBuf au) {
        for (ByteBuf nal : AnnexB.nalUnits(au)) {
            if (nal.readableBytes() >= 2 && type(nal) == SPS) {
                try {
                    return Optional.of(HevcSpsParser.parse(nal));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** VPS, SPS and PPS of an access unit as a new Annex B buffer; empty when it has none. */
    public static Optional<ByteBuf> extractParameterSets(ByteBuf au, ByteBufAllocator alloc) {
        return AnnexB.copyNalUnits(au, nal -> type(nal) >= VPS && type(nal) <= PPS, alloc);
    }
}
