package io.kymux.core.h265;

import io.kymux.core.h264.RbspReader;
import io.netty.buffer.ByteBuf;

/**
 * Parses an H.265 SPS (section 7.3.2.2) as far as the picture size, and builds its codec
 * string from the general profile_tier_level (ISO/IEC 14496-15 annex E):
 * {@code hev1.<space><profile>.<compatibility, bit-reversed, hex>.<L|H><level>[.<constraint bytes>]}.
 * {@code hev1}: the parameter sets travel in band, as they do in MPEG-TS.
 */
public final class HevcSpsParser {

    private HevcSpsParser() {
    }

    /**
     * @param nal an SPS NAL unit including its two-byte NAL header, without start code
     * @throws IllegalArgumentException if it is not a well-formed SPS
     */
    public static HevcSps parse(ByteBuf nal) {
        if (nal.readableBytes() < 16 || HevcNal.type(nal) != HevcNal.SPS) {
            throw new IllegalArgumentException("not an H.265 SPS NAL unit");
        }
        RbspReader r = new RbspReader(nal, 2);
        r.bits(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        r.flag(); // sps_temporal_id_nesting_flag
        int space = r.bits(2);
        boolean highTier = r.flag();
        int profile = r.bits(5);
        long compatibility = (long) r.bits(16) << 16 | r.bits(16);
        int[] constraints = new int[6];
        for (int i = 0; i < 6; i++) {
            constraints[i] = r.bits(8);
        }
        int level = r.bits(8);
        boolean[] subProfile = new boolean[maxSubLayersMinus1];
        boolean[] subLevel = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            subProfile[i] = r.flag();
            subLevel[i] = r.flag();
        }
        if (maxSubLayersMinus1 > 0) {
            for (int i = maxSubLayersMinus1; i < 8; i++) {
                r.bits(2); // reserved_zero_2bits
            }
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (subProfile[i]) {
                skip(r, 88);
            }
            if (subLevel[i]) {
                r.bits(8);
            }
        }
        r.ue(); // sps_seq_parameter_set_id
        int chroma = r.ue();
        if (chroma > 3) {
            throw new IllegalArgumentException("bad chroma_format_idc " + chroma);
        }
        if (chroma == 3) {
            r.flag(); // separate_colour_plane_flag
        }
        int width = r.ue();
        int height = r.ue();
        if (r.flag()) { // conformance_window_flag: offsets in chroma samples
            int subWidth = chroma == 1 || chroma == 2 ? 2 : 1;
            int subHeight = chroma == 1 ? 2 : 1;
            int left = r.ue();
            int right = r.ue();
            int top = r.ue();
            int bottom = r.ue();
            width -= subWidth * (left + right);
            height -= subHeight * (top + bottom);
        }
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new IllegalArgumentException("implausible picture size " + width + "x" + height);
        }
        return new HevcSps(width, height, codecString(space, profile, compatibility, highTier, level, constraints));
    }

    private static void skip(RbspReader r, int bits) {
        for (int left = bits; left > 0; left -= Math.min(left, 24)) {
            r.bits(Math.min(left, 24));
        }
    }

    static String codecString(int space, int profile, long compatibility, boolean highTier, int level, int[] constraints) {
        StringBuilder s = new StringBuilder("hev1.");
        if (space > 0) {
            s.append((char) ('A' + space - 1));
        }
        s.append(profile).append('.').append(Long.toHexString(Integer.reverse((int) compatibility) & 0xffffffffL).toUpperCase())
                .append('.').append(highTier ? 'H' : 'L').append(level);
        int last = constraints.length - 1;
        while (last >= 0 && constraints[last] == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            s.append('.').append(Integer.toHexString(constraints[i]).toUpperCase());
        }
        return s.toString();
    }
}
