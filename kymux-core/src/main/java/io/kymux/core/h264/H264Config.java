package io.kymux.core.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Optional;

/** Finds parameter sets in H.264 Annex B data. */
public final class H264Config {

    private H264Config() {
    }

    /** The first SPS in an Annex B buffer, parsed; empty if none or malformed. */
    public static Optional<Sps> findSps(ByteBuf annexB) {
        for (ByteBuf nal : AnnexB.nalUnits(annexB)) {
            if (AnnexB.nalType(nal) == NalType.SPS) {
                try {
                    return Optional.of(SpsParser.parse(nal));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The SPS and PPS NAL units of an access unit, as a new Annex B buffer (4-byte start
     * codes); empty when the access unit carries none.
     */
    public static Optional<ByteBuf> extractParameterSets(ByteBuf au, ByteBufAllocator alloc) {
        return AnnexB.copyNalUnits(au, nal -> AnnexB.nalType(nal) == NalType.SPS || AnnexB.nalType(nal) == NalType.PPS,
                alloc);
    }

    /** True when the access unit holds an IDR slice. */
    public static boolean containsIdr(ByteBuf au) {
        for (ByteBuf nal : AnnexB.nalUnits(au)) {
            if (AnnexB.nalType(nal) == NalType.IDR_SLICE) {
                return true;
            }
        }
        return false;
    }
}
