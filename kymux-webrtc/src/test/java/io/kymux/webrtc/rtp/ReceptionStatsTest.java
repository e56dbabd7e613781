package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceptionStatsTest {

    private static final long SSRC = 0xCAFEL;

    /** A 90 kHz stream, 30 fps, one packet a frame, arriving exactly on time unless told otherwise. */
    private static void frames(ReceptionStats r, int firstSeq, int count, java.util.function.IntPredicate lost) {
        for (int i = 0; i < count; i++) {
            if (!lost.test(i)) {
                r.packet((firstSeq + i) & 0xffff, i * 3000L, 1_000_000L + i * 33_333L);
            }
        }
    }

    @Test
    void reportsLossCumulativeAndSinceTheLastReport() {
        ReceptionStats r = new ReceptionStats(SSRC, 90_000);
        frames(r, 100, 100, i -> i == 10 || i == 50);
        ByteBuffer b = ByteBuffer.wrap(r.reportBlock(5_000_000));
        assertThat(b.getInt() & 0xffffffffL).isEqualTo(SSRC);
        int lossWord = b.getInt();
        assertThat(lossWord >>> 24).as("fraction lost, of 256").isEqualTo(2 * 256 / 100);
        assertThat(lossWord & 0xffffff).as("cumulative").isEqualTo(2);
        assertThat(b.getInt()).as("extended highest sequence").isEqualTo(199);
        assertThat(b.getInt()).as("jitter: every packet on time").isZero();
        frames(r, 200, 100, i -> false);
        ByteBuffer next = ByteBuffer.wrap(r.reportBlock(8_000_000));
        next.getInt();
        int again = next.getInt();
        assertThat(again >>> 24).as("nothing lost since").isZero();
        assertThat(again & 0xffffff).as("still two in all").isEqualTo(2);
    }

    @Test
    void sequenceNumbersWrapIntoCycles() {
        ReceptionStats r = new ReceptionStats(SSRC, 90_000);
        frames(r, 65_530, 20, i -> false);
        ByteBuffer b = ByteBuffer.wrap(r.reportBlock(2_000_000));
        b.getInt();
        assertThat(b.getInt() & 0xffffff).isZero();
        assertThat(b.getInt()).isEqualTo(65_536 + 13);
    }

    @Test
    void jitterGrowsWhenArrivalsWobble() {
        ReceptionStats r = new ReceptionStats(SSRC, 90_000);
        for (int i = 0; i < 200; i++) {
            r.packet(i, i * 3000L, 1_000_000L + i * 33_333L + (i % 2 == 0 ? 0 : 10_000)); // ±10 ms
        }
        ByteBuffer b = ByteBuffer.wrap(r.reportBlock(9_000_000));
        b.position(12);
        assertThat(b.getInt()).as("about 10 ms of 90 kHz").isBetween(700, 1000);
    }

    @Test
    void theLastSenderReportAndTheDelaySinceLetTheSenderTimeItsRoundTrip() {
        ReceptionStats r = new ReceptionStats(SSRC, 90_000);
        frames(r, 0, 10, i -> false);
        long ntp = Rtcp.ntp(1_700_000_000_000_000L);
        r.senderReport(ntp, 3_000_000);
        ByteBuffer b = ByteBuffer.wrap(r.reportBlock(3_500_000));
        b.position(16);
        assertThat(b.getInt() & 0xffffffffL).as("LSR: the middle 32 bits").isEqualTo((ntp >>> 16) & 0xffffffffL);
        assertThat(b.getInt()).as("DLSR: 0.5 s in 1/65536 s").isEqualTo(32_768);
    }

    @Test
    void aReceiverReportCarriesItsBlocksAndASenderReportIsRead() {
        byte[] block = new ReceptionStats(SSRC, 48_000).reportBlock(0);
        byte[] rr = Rtcp.receiverReport(1, List.of(block, block));
        assertThat(rr).hasSize(8 + 48);
        assertThat(rr[0] & 0xff).as("V=2, two blocks").isEqualTo(0x82);
        assertThat(rr[1] & 0xff).isEqualTo(Rtcp.RR);
        assertThat(ByteBuffer.wrap(rr).getShort(2)).as("length in words less one").isEqualTo((short) 13);
        byte[] sr = Rtcp.senderReport(SSRC, 0x1122334455667788L, 0, 10, 1000);
        assertThat(Rtcp.feedback(ByteBuffer.wrap(sr))).containsExactly(
                new Rtcp.Feedback.SenderReport(SSRC, 0x1122334455667788L));
    }
}
