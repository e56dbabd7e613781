package io.kymux.core.h265;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HevcSpsParserTest {

    /** x265 (Debian's FFmpeg 5.1, -preset ultrafast) at 320x240: Main, level 2 (60), no conformance window. */
    static final String SPS_320X240 =
            "42010101600000030090000003000003003ca00a080f165ba4a4c2f0168080000003008000000f04";
    /** The same at 320x180: coded 320x184, a conformance window crops 4 rows. */
    static final String SPS_320X180 =
            "42010101600000030090000003000003003ca00a080c1f3e595952930bc05a020000030002000003003c10";

    private static ByteBuf nal(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    @Test
    void readsSizeAndCodecStringOfRealX265Sps() {
        HevcSps s = HevcSpsParser.parse(nal(SPS_320X240));
        assertThat(s.width()).isEqualTo(320);
        assertThat(s.height()).isEqualTo(240);
        // Main (1), compatible with Main and Main 10 (flags 1 and 2: reversed, 0x6), Main tier,
        // level 60, progressive_source_flag and frame_only_constraint_flag set (0x90)
        assertThat(s.codecString()).isEqualTo("hev1.1.6.L60.90");
    }

    @Test
    void theConformanceWindowCropsTheCodedSize() {
        HevcSps s = HevcSpsParser.parse(nal(SPS_320X180));
        assertThat(s.width()).isEqualTo(320);
        assertThat(s.height()).isEqualTo(180);
    }

    @Test
    void codecStringsFollowAnnexE() {
        // the examples of ISO/IEC 14496-15 E.3: Main 10 high tier level 4; a profile space of 1
        assertThat(HevcSpsParser.codecString(0, 2, 0x20000000L, true, 120, new int[] {0xB0, 0, 0, 0, 0, 0}))
                .isEqualTo("hev1.2.4.H120.B0");
        assertThat(HevcSpsParser.codecString(1, 1, 0x60000000L, false, 93, new int[6])).isEqualTo("hev1.A1.6.L93");
    }

    @Test
    void findsTheSpsAndRandomAccessInAnAccessUnit() {
        byte[] sps = HexFormat.of().parseHex(SPS_320X240);
        byte[] idr = {0x28, 0x01, (byte) 0xaf, 0x10}; // IDR_N_LP (20)
        byte[] trail = {0x02, 0x01, (byte) 0xd0, 0x20}; // TRAIL_R (1)
        ByteBuf key = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1}, sps, new byte[] {0, 0, 1}, idr);
        assertThat(HevcNal.containsIrap(key)).isTrue();
        assertThat(HevcNal.findSps(key)).map(HevcSps::height).contains(240);
        ByteBuf ps = HevcNal.extractParameterSets(key, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT).orElseThrow();
        assertThat(ps.readableBytes()).isEqualTo(4 + sps.length);
        ps.release();
        assertThat(HevcNal.containsIrap(Unpooled.wrappedBuffer(new byte[] {0, 0, 1}, trail))).isFalse();
        assertThat(HevcNal.extractParameterSets(Unpooled.wrappedBuffer(new byte[] {0, 0, 1}, trail),
                io.netty.buffer.UnpooledByteBufAllocator.DEFAULT)).isEmpty();
    }

    /** Truncated and corrupted SPS fail with IllegalArgumentException, nothing else (seeded). */
    @Test
    void hostileSpsFailsCleanly() {
        byte[] good = HexFormat.of().parseHex(SPS_320X240);
        Random random = new Random(265);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = java.util.Arrays.copyOf(good, 3 + random.nextInt(good.length - 2));
            for (int k = random.nextInt(4); k > 0; k--) {
                b[2 + random.nextInt(b.length - 2)] = (byte) random.nextInt(256);
            }
            try {
                HevcSps s = HevcSpsParser.parse(Unpooled.wrappedBuffer(b));
                assertThat(s.width()).isBetween(1, 16384);
                assertThat(s.height()).isBetween(1, 16384);
            } catch (IllegalArgumentException expected) {
                // a clear error for this stream only
            }
        }
        assertThatThrownBy(() -> HevcSpsParser.parse(nal("4401c0718312"))).hasMessageContaining("not an H.265 SPS");
    }
}
