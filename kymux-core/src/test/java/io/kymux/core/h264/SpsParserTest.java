package io.kymux.core.h264;

import static io.kymux.core.TestBufs.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpsParserTest {

    /** x264 ultrafast, 320x240: Constrained Baseline, level 2.1. */
    static final String BASELINE_320 = "6742c015da0507e84000000300400000 0f23c58ba8";
    /** x264 veryfast, 1920x1080: High 4.0, 1088 cropped to 1080. */
    static final String HIGH_1080 = "64640028acb403c0113f2c200000030020000007 91e30654".substring(2);

    @Test
    void baselineSizeAndCodecString() {
        Sps s = SpsParser.parse(hex(BASELINE_320));
        assertThat(s.width()).isEqualTo(320);
        assertThat(s.height()).isEqualTo(240);
        assertThat(s.codecString()).isEqualTo("avc1.42C015");
    }

    @Test
    void highProfileWithCropping() {
        Sps s = SpsParser.parse(hex("67" + HIGH_1080));
        assertThat(s.codecString()).isEqualTo("avc1.640028");
        assertThat(s.width()).isEqualTo(1920);
        assertThat(s.height()).isEqualTo(1080);
    }

    @Test
    void findsSpsInAnnexBAndExtractsParameterSets() {
        ByteBuf au = hex("00000001" + BASELINE_320 + "00000001 68ce3c80 000001 65888400");
        assertThat(H264Config.findSps(au)).get().extracting(Sps::width).isEqualTo(320);
        assertThat(H264Config.containsIdr(au)).isTrue();
        ByteBuf ps = H264Config.extractParameterSets(au, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT).orElseThrow();
        assertThat(AnnexB.nalUnits(ps)).extracting(AnnexB::nalType).containsExactly(NalType.SPS, NalType.PPS);
        ps.release();
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButIllegalArgument() {
        Random rnd = new Random(3);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[1 + rnd.nextInt(40)];
            rnd.nextBytes(b);
            b[0] = 0x67;
            try {
                Sps s = SpsParser.parse(Unpooled.wrappedBuffer(b));
                assertThat(s.width()).isBetween(1, 16384);
            } catch (IllegalArgumentException expected) {
                // documented rejection
            }
        }
        assertThatThrownBy(() -> SpsParser.parse(hex("68ce3c80"))).isInstanceOf(IllegalArgumentException.class);
    }
}
