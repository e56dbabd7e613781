package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpTest {

    @Test
    void compoundWithReceiverReportNackPliAndFir() {
        byte[] b = HexFormat.of().parseHex((""
                + "81c90007 00000001 00001234 40000010 00010064 00000000 00000000 00000000" // RR: 25 % lost, seq 0x10064
                + "81cd0003 00000001 00001234 0064 0005"       // NACK pid 100, blp bits 0 and 2 -> 101, 103
                + "81ce0002 00000001 00001234"                 // PLI
                + "84ce0004 00000001 00000000 00001234 07000000" // FIR
        ).replace(" ", ""));
        var fb = Rtcp.feedback(ByteBuffer.wrap(b));
        assertThat(fb).containsExactly(new Rtcp.Feedback.ReceptionReport(0x1234, 64, 0x10064),
                new Rtcp.Feedback.Nack(0x1234, java.util.List.of(100, 101, 103)),
                new Rtcp.Feedback.Pli(0x1234), new Rtcp.Feedback.Fir(0x1234));
    }

    @Test
    void aSenderReportsBlocksAreReadToo() {
        byte[] b = HexFormat.of().parseHex((""
                + "82c80012 00000009 00000001 00000002 00000003 00000004 00000005" // SR from SSRC 9, two blocks
                + "0000aaaa 0a000000 0000ffff 00000000 00000000 00000000"
                + "0000bbbb ff000000 00020000 00000000 00000000 00000000"
        ).replace(" ", ""));
        assertThat(Rtcp.feedback(ByteBuffer.wrap(b))).containsExactly(new Rtcp.Feedback.SenderReport(9, 0x0000000100000002L),
                new Rtcp.Feedback.ReceptionReport(0xaaaa, 10, 0xffff), new Rtcp.Feedback.ReceptionReport(0xbbbb, 255, 0x20000));
    }

    @Test
    void senderReportLayoutAndNtp() {
        byte[] sr = Rtcp.senderReport(0xAABBCCDDL, Rtcp.ntp(1_000_000), 90_000, 5, 500);
        assertThat(HexFormat.of().formatHex(sr, 0, 8)).isEqualTo("80c80006aabbccdd");
        assertThat(Rtcp.ntp(1_500_000) >>> 32).isEqualTo(2_208_988_801L);
        assertThat(Rtcp.ntp(1_500_000) & 0xffffffffL).isEqualTo(0x80000000L);
    }

    @Test
    void malformedIsRejectedAndFuzzNeverEscapes() {
        assertThatThrownBy(() -> Rtcp.feedback(ByteBuffer.wrap(new byte[] {(byte) 0x81, (byte) 0xcd, 0, 9})))
                .hasMessageContaining("malformed");
        Random r = new Random(4585);
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            try {
                Rtcp.feedback(ByteBuffer.wrap(b));
            } catch (IllegalArgumentException expected) {
                // a clear error
            }
        }
    }

    @Test
    void aPacketIsResentAFewTimesAtMostAndNotForARepeatedNack() {
        RetransmitHistory h = new RetransmitHistory(16);
        byte[] p = {1, 2, 3};
        h.sent(7, p);
        assertThat(h.resend(7, 1_000_000)).isSameAs(p);
        assertThat(h.resend(7, 1_050_000)).as("the NACK repeated while the resend is on its way").isNull();
        long t = 1_100_000;
        for (int i = 1; i < RetransmitHistory.MAX_RESENDS; i++, t += RetransmitHistory.RESEND_INTERVAL_US) {
            assertThat(h.resend(7, t)).as("a round trip later").isSameAs(p);
        }
        assertThat(h.resend(7, t + 1_000_000)).as("enough: then the viewer asks for a keyframe").isNull();
        assertThat(h.resend(8, 1_300_000)).as("never sent").isNull();
        h.sent(7 + 16, p);
        assertThat(h.resend(7 + 16, 1_300_000)).as("a new packet in the slot starts afresh").isSameAs(p);
    }

    @Test
    void historyAnswersRecentNacksOnly() {
        RetransmitHistory h = new RetransmitHistory(4);
        for (int s = 65533; s < 65533 + 6; s++) {
            h.sent(s & 0xffff, new byte[] {(byte) s});
        }
        assertThat(h.get(2)).containsExactly((byte) 65535 + 3);
        assertThat(h.get(65534)).as("overwritten").isNull();
        assertThat(h.get(7)).as("never sent").isNull();
    }
}
