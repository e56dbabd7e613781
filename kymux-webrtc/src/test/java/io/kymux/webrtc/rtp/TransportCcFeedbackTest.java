package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransportCcFeedbackTest {

    private static final long MEDIA = 0x12345678L;

    /** Arrival times as the feedback carries them: whole 250 µs ticks. */
    private static long ticks(long us) {
        return Math.floorDiv(us, 250) * 250;
    }

    @Test
    void aSmallFeedbackIsTheDraftsLayout() {
        TransportCcFeedback f = new TransportCcFeedback(1);
        f.received(5, 1_000_000);
        f.received(7, 1_000_500); // 6 lost
        List<byte[]> out = f.feedback(MEDIA);
        assertThat(out).hasSize(1);
        // V=2 FMT=15, PT 205, length 5 words; sender 1; media; base 5, 3 statuses; reference 15 (× 64 ms),
        // feedback 0; one two-bit status vector chunk (received small, not received, received small);
        // deltas 160 ticks (from 960 ms to 1000 ms) and 2 ticks
        assertThat(out.get(0)).containsExactly(0x8F, 0xCD, 0x00, 0x05, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78,
                0x00, 0x05, 0x00, 0x03, 0x00, 0x00, 0x0F, 0x00, 0xD1, 0x00, 0xA0, 0x02);
        assertThat(f.feedback(MEDIA)).as("nothing new").isEmpty();
    }

    @Test
    void arrivalsLossesAndReorderingReadBack() {
        TransportCcFeedback f = new TransportCcFeedback(1);
        Random r = new Random(7);
        Map<Integer, Long> sent = new HashMap<>();
        long now = 5_000_000_000L;
        List<Integer> order = new ArrayList<>();
        for (int s = 65_500; s < 65_500 + 300; s++) {
            order.add(s & 0xffff); // across the 16-bit wrap
        }
        for (int i = 0; i + 1 < order.size(); i += 9) { // swap neighbours now and then
            java.util.Collections.swap(order, i, i + 1);
        }
        List<TransportCcFeedback.Status> got = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            now += r.nextInt(3000);
            if (r.nextInt(20) == 0) {
                continue; // lost
            }
            sent.put(order.get(i), now);
            f.received(order.get(i), now);
            if (i % 50 == 49) {
                f.feedback(MEDIA).forEach(p -> got.addAll(TransportCcFeedback.parse(p)));
            }
        }
        f.feedback(MEDIA).forEach(p -> got.addAll(TransportCcFeedback.parse(p)));
        Map<Integer, Long> read = new HashMap<>();
        for (TransportCcFeedback.Status st : got) {
            assertThat(read.containsKey(st.sequence())).as("each number once: %s", st.sequence()).isFalse();
            read.put(st.sequence(), st.arrivalUs());
        }
        int reported = 0;
        for (Map.Entry<Integer, Long> e : sent.entrySet()) {
            Long at = read.get(e.getKey());
            if (at != null && at >= 0) {
                // on the feedback's timeline: 64 ms units of reference time, wrapped at 24 bits
                long referenceSpan = 64_000L << 24;
                assertThat(Math.floorMod(at - ticks(e.getValue()), referenceSpan)).as("arrival of %d", e.getKey()).isZero();
                reported++;
            }
        }
        // a packet swapped behind a feedback was already reported lost: all but those are read back
        assertThat(reported).isGreaterThan(sent.size() - 8);
        assertThat(read.values().stream().filter(t -> t < 0).count()).as("losses reported").isPositive();
    }

    @Test
    void aBurstTooLargeForOnePacketIsSplitWithinTheMtu() {
        TransportCcFeedback f = new TransportCcFeedback(1);
        for (int s = 0; s < 1000; s++) {
            f.received(s, 1_000_000 + s * 100_000L % 70_000); // deltas forwards and backwards: two-byte deltas
        }
        List<byte[]> out = f.feedback(MEDIA);
        assertThat(out).hasSize(3);
        assertThat(out).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(1200 - 16));
        assertThat(out.stream().mapToInt(p -> TransportCcFeedback.parse(p).size()).sum()).isEqualTo(1000);
    }

    @Test
    void aPauseLongerThanADeltaCanSayStartsAnotherPacket() {
        TransportCcFeedback f = new TransportCcFeedback(1);
        f.received(1, 1_000_000);
        f.received(2, 20_000_000); // 19 s later: past a signed 16-bit count of 250 µs ticks
        List<byte[]> out = f.feedback(MEDIA);
        assertThat(out).hasSize(2);
        assertThat(TransportCcFeedback.parse(out.get(1)).get(0).arrivalUs()).isEqualTo(20_000_000);
    }

    @Test
    void aJumpInNumbersIsANewStartNotThousandsOfLosses() {
        TransportCcFeedback f = new TransportCcFeedback(1);
        f.received(10, 1_000_000);
        f.feedback(MEDIA);
        f.received(30_000, 1_010_000);
        List<byte[]> out = f.feedback(MEDIA);
        assertThat(out).hasSize(1);
        assertThat(TransportCcFeedback.parse(out.get(0))).hasSize(1);
    }

    @Test
    void garbageIsRefusedWithAReasonAndNothingElse() {
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = new byte[r.nextInt(64)];
            r.nextBytes(p);
            if (p.length > 3 && r.nextBoolean()) {
                p[0] = (byte) 0x8F;
                p[1] = (byte) 0xCD;
                p[2] = 0;
                p[3] = (byte) (p.length / 4 - 1);
            }
            try {
                TransportCcFeedback.parse(p);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThatThrownBy(() -> TransportCcFeedback.parse(new byte[3])).isInstanceOf(IllegalArgumentException.class);
    }
}
