package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reordering, NACKs and the bounded wait for a lost packet, on a fake clock. */
class NackReceiverTest {

    private static byte[] p(int seq) {
        return new byte[] {(byte) (seq >> 8), (byte) seq};
    }

    private static List<Integer> seqs(List<byte[]> out) {
        return out.stream().map(b -> (b[0] & 0xff) << 8 | b[1] & 0xff).toList();
    }

    @Test
    void aMissingPacketIsAskedForAndWhatWaitedBehindItGoesOnWhenItComes() {
        NackReceiver<byte[]> r = new NackReceiver<byte[]>(100_000, 20_000, 512);
        List<byte[]> out = new ArrayList<>();
        r.accept(65_534, p(65_534), 0, out);
        r.accept(65_535, p(65_535), 1_000, out);
        r.accept(1, p(1), 2_000, out); // 0 is missing, across the wrap
        r.accept(2, p(2), 3_000, out);
        assertThat(seqs(out)).containsExactly(65_534, 65_535);
        assertThat(r.nacks(3_000)).containsExactly(0);
        assertThat(r.nacks(10_000)).as("not again before the retry interval").isEmpty();
        assertThat(r.nacks(23_000)).containsExactly(0);
        r.accept(0, p(0), 30_000, out); // the retransmission
        assertThat(seqs(out)).containsExactly(65_534, 65_535, 0, 1, 2);
        assertThat(r.recovered()).isEqualTo(1);
        assertThat(r.nextWakeUs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aGapIsGivenUpAfterTheWaitAndALateRetransmissionIsDropped() {
        NackReceiver<byte[]> r = new NackReceiver<byte[]>(100_000, 20_000, 512);
        List<byte[]> out = new ArrayList<>();
        r.accept(10, p(10), 0, out);
        r.accept(13, p(13), 5_000, out);
        assertThat(r.nacks(5_000)).containsExactly(11, 12);
        r.expire(104_000, out);
        assertThat(seqs(out)).as("still within the wait").containsExactly(10);
        r.expire(105_000, out);
        assertThat(seqs(out)).containsExactly(10, 13);
        assertThat(r.lost()).isEqualTo(2);
        r.accept(11, p(11), 110_000, out);
        assertThat(seqs(out)).as("too late: not delivered out of order").containsExactly(10, 13);
    }

    @Test
    void heldPacketsAreBounded() {
        NackReceiver<byte[]> r = new NackReceiver<byte[]>(10_000_000, 20_000, 8);
        List<byte[]> out = new ArrayList<>();
        r.accept(0, p(0), 0, out);
        for (int s = 2; s <= 10; s++) {
            r.accept(s, p(s), s, out);
        }
        assertThat(seqs(out)).as("past 8 held, the gap is given up").containsExactly(0, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void aShuffledLossyStreamComesOutInOrderWithEachPacketAtMostOnce() {
        Random rnd = new Random(5);
        NackReceiver<byte[]> r = new NackReceiver<byte[]>(100_000, 20_000, 512);
        List<byte[]> out = new ArrayList<>();
        List<Integer> sent = new ArrayList<>();
        for (int s = 0; s < 5000; s++) {
            sent.add(s & 0xffff);
        }
        long now = 0;
        for (int i = 0; i < sent.size(); i++) {
            int j = Math.min(sent.size() - 1, i + rnd.nextInt(3)); // swap with a neighbour: reordering
            java.util.Collections.swap(sent, i, j);
        }
        for (int s : sent) {
            now += 1_000;
            if (rnd.nextInt(50) != 0) { // 2 % loss
                r.accept(s, p(s), now, out);
            }
            r.expire(now, out);
        }
        r.expire(now + 1_000_000, out);
        List<Integer> got = seqs(out);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i)).as("in order at %d", i).isGreaterThan(got.get(i - 1));
        }
        // every number from the first to the last delivered was delivered once or given up once
        // (what was sent before the first packet to arrive is before the stream, for the receiver)
        assertThat(got.size() + r.lost()).isEqualTo(got.get(got.size() - 1) - got.get(0) + 1);
        assertThat(got.size()).as("2 %% lost, the rest delivered").isGreaterThan(4800);
    }

    @Test
    void nackPacketsCarryEachLostSequenceNumber() {
        byte[] nack = Rtcp.nack(1, 0xabcdef, List.of(100, 101, 117, 118, 65_535, 2));
        List<Rtcp.Feedback> f = Rtcp.feedback(ByteBuffer.wrap(nack));
        assertThat(f).singleElement().isInstanceOfSatisfying(Rtcp.Feedback.Nack.class, n -> {
            assertThat(n.mediaSsrc()).isEqualTo(0xabcdef);
            assertThat(n.lost()).containsExactlyInAnyOrder(100, 101, 117, 118, 65_535, 2);
        });
    }
}
