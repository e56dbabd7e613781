package io.kymux.core.h264;

import io.netty.buffer.ByteBuf;

/** Parses an SPS NAL unit (H.264 section 7.3.2.1.1) far enough to get size and profile. */
public final class SpsParser {

    private SpsParser() {
    }

    /**
     * @param nal an SPS NAL unit including its one-byte NAL header, without start code
     * @throws IllegalArgumentException if it is not a well-formed SPS
     */
    public static Sps parse(ByteBuf nal) {
        if (nal.readableBytes() < 4 || AnnexB.nalType(nal) != NalType.SPS) {
            throw new IllegalArgumentException("not an SPS NAL unit");
        }
        RbspReader r = new RbspReader(nal, 1);
        int profile = r.bits(8);
        int constraints = r.bits(8);
        int level = r.bits(8);
        r.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        boolean separateColourPlanes = false;
        if (hasChromaInfo(profile)) {
            chromaFormat = r.ue();
            if (chromaFormat > 3) {
                throw new IllegalArgumentException("bad chroma_format_idc " + chromaFormat);
            }
            if (chromaFormat == 3) {
                separateColourPlanes = r.flag();
            }
            r.ue(); // bit_depth_luma_minus8
            r.ue(); // bit_depth_chroma_minus8
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormat != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se();
            r.se();
            int cycle = r.ue();
            if (cycle > 255) {
                throw new IllegalArgumentException("bad num_ref_frames_in_pic_order_cnt_cycle");
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.flag()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        int chromaArrayType = separateColourPlanes ? 0 : chromaFormat;
        int cropUnitX = chromaArrayType == 0 ? 1 : (chromaFormat == 3 ? 1 : 2);
        int cropUnitY = (chromaArrayType == 0 ? 1 : (chromaFormat == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
        long width = widthMbs * 16L - (long) cropUnitX * (cropLeft + cropRight);
        long height = (frameMbsOnly ? 1L : 2L) * heightMapUnits * 16 - (long) cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new IllegalArgumentException("implausible picture size " + width + "x" + height);
        }
        return new Sps(profile, constraints, level, (int) width, (int) height);
    }

    private static boolean hasChromaInfo(int profile) {
        return switch (profile) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    private static void skipScalingList(RbspReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
