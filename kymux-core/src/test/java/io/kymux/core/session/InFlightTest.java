package io.kymux.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InFlightTest {

    @Test
    void viewersThatDoNotAckAreNeverPaced() {
        InFlight f = new InFlight(50_000);
        f.sent(0, 1, 1000, 0);
        assertThat(f.mayWrite(10_000_000)).isTrue();
    }

    @Test
    void writingStopsWhileTheOldestUnackedFrameIsTooOldAndResumesOnAck() {
        InFlight f = new InFlight(50_000);
        f.sent(0, 1, 1000, 0);
        f.ack(0, 1, 1_000);
        assertThat(f.bytes()).isZero();
        long t = 1_000 + InFlight.LEARN_US; // past learning: more than two frames may be in flight
        f.sent(0, 2, 1000, t + 10_000);
        f.sent(1, 7, 100, t + 20_000);
        f.sent(0, 3, 1000, t + 30_000);
        // the backstop: a third of the budget (here 50 ms) beyond the round trip (1 ms)
        assertThat(f.mayWrite(t + 61_000)).isTrue();
        assertThat(f.mayWrite(t + 61_001)).isFalse();
        f.ack(1, 7, t + 70_000); // acks (0,2) too: TCP delivers in order
        assertThat(f.frames()).isEqualTo(1);
        assertThat(f.bytes()).isEqualTo(1000);
        assertThat(f.mayWrite(t + 70_000)).isTrue();
        assertThat(f.oldestAgeUs(t + 70_000)).isEqualTo(40_000);
    }

    @Test
    void theAcksOfAThinLinkShowItsRateAndRoundTrip() {
        InFlight f = new InFlight(50_000);
        SimulatedLink link = new SimulatedLink(250_000, 20_000); // 2 Mb/s, 20 ms round trip
        for (int i = 0; i < 120; i++) { // 2 s of 8 KB frames at 60 fps: twice what the link takes
            long now = i * 16_667L;
            link.deliverAcks(f, now);
            f.sent(0, i, 8_000, now);
            link.send(i, 8_000, now);
        }
        assertThat(f.rateBytesPerSecond()).isBetween(237_000L, 263_000L);
        // the link is oversubscribed, so every frame after the first waits behind others:
        // no path sample (a wait predicted at a low rate would leave a path too short)
        assertThat(f.minRttUs()).isEqualTo(-1);
    }

    @Test
    void theArrivalOfAFrameCountsTheBytesQueuedAheadOfIt() {
        InFlight f = new InFlight(50_000);
        assertThat(f.arrivalUs(5, 1_000_000)).as("nothing known yet").isEqualTo(5);
        long t = ackingSinceASecond(f);
        // a 100 ms sample of 25 KB: 250 KB/s, round trip 100 ms
        f.sent(0, 0, 25_000, t);
        f.ack(0, 0, t + 100_000);
        assertThat(f.rateBytesPerSecond()).isEqualTo(250_000);
        assertThat(f.arrivalUs(t + 100_000, 25_000)).isEqualTo(t + 200_000);
        f.sent(0, 1, 50_000, t + 100_000);
        // the link is busy with those 50 KB until 300 ms, then takes 100 ms for 25 KB
        assertThat(f.arrivalUs(t + 100_000, 25_000)).isEqualTo(t + 400_000);
        f.ack(0, 1, t + 320_000);
        assertThat(f.arrivalUs(t + 320_000, 25_000)).as("acknowledged: nothing queued").isEqualTo(t + 420_000);
    }

    @Test
    void nothingIsPredictedWhileLearning() {
        InFlight f = new InFlight(50_000);
        f.sent(0, 0, 25_000, 0);
        f.ack(0, 0, 100_000);
        f.sent(0, 1, 500_000, 100_000);
        long learnt = 100_000 + InFlight.LEARN_US;
        assertThat(f.arrivalUs(learnt - 1, 25_000)).isEqualTo(learnt - 1);
        assertThat(f.arrivalUs(learnt, 25_000)).isGreaterThan(learnt);
    }

    @Test
    void aBacklogWrittenBeforeTheRateWasKnownCounts() {
        InFlight f = new InFlight(50_000);
        long t = ackingSinceASecond(f);
        f.sent(0, 0, 10_000, t);
        f.sent(0, 1, 90_000, t); // before any rate: not on the link clock
        f.ack(0, 0, t + 40_000); // 10 KB in 40 ms: 250 KB/s, and all of it wire time
        // so no path sample, and the path is at most the smallest ack delay (the 1-byte
        // frame's, 0): the 90 KB unacknowledged are queued, 360 ms
        assertThat(f.minRttUs()).isEqualTo(-1);
        assertThat(f.arrivalUs(t + 40_000, 0)).isEqualTo(t + 400_000);
    }

    @Test
    void theAckGapOfFramesWrittenBackToBackShowsTheRateWithoutTheRoundTrip() {
        InFlight f = new InFlight(50_000);
        long t = ackingSinceASecond(f);
        f.sent(0, 0, 33_000, t); // a keyframe, then a frame 16.7 ms later, on a 200 ms path
        f.sent(0, 1, 8_000, t + 16_667);
        f.ack(0, 0, t + 233_000);
        f.ack(0, 1, t + 241_000); // 8 ms after: it waited for the keyframe on the link
        // the span from the write to the ack would show 41 KB in 241 ms (170 KB/s); the
        // ack gap, held to the write gap, shows what the stream sent: 8 KB in 16.7 ms
        assertThat(f.rateBytesPerSecond()).isEqualTo(8_000L * 1_000_000 / 16_667);
    }

    @Test
    void oneLateAckAmongFramesInFlightTogetherDoesNotInflateTheRate() {
        InFlight f = new InFlight(50_000);
        long t = ackingSinceASecond(f);
        for (int i = 0; i < 4; i++) { // 8 KB each on a 250 KB/s link: through at 32, 64, 96, 128 ms
            f.sent(0, i, 8_000, t);
        }
        f.ack(0, 0, t + 32_000);
        f.ack(0, 1, t + 74_000); // 10 ms late: a busy reader
        f.ack(0, 2, t + 96_000); // on time again, 22 ms after the late one
        f.ack(0, 3, t + 128_000);
        // ack against ack, the third frame showed 8 KB in 22 ms (363 KB/s); from the first
        // ack they were all in flight at, three frames in 96 ms show the link
        assertThat(f.rateBytesPerSecond()).isEqualTo(250_000);
    }

    @Test
    void aFrameWrittenToAnIdleLinkGivesThePathLessItsWireTime() {
        InFlight f = new InFlight(50_000);
        long t = ackingSinceASecond(f);
        f.sent(0, 0, 25_000, t);
        f.ack(0, 0, t + 100_000); // 250 KB/s at the least, and all of it wire time
        assertThat(f.minRttUs()).isEqualTo(-1);
        f.sent(0, 1, 5_000, t + 300_000); // the link clock has drained: nothing ahead
        f.ack(0, 1, t + 420_000); // 120 ms: 20 on the wire, 100 of path
        assertThat(f.minRttUs()).isEqualTo(100_000);
    }

    @Test
    void untilFramesInFlightTogetherShowTheRateTwoAtATimeAreInFlight() {
        InFlight f = new InFlight(50_000);
        f.ack(-1, -1, 0); // paced from its join
        f.sent(0, 0, 33_000, 0);
        f.ack(0, 0, 150_000); // a lone keyframe: a thin link or a long path
        f.sent(0, 1, 8_000, 150_000);
        assertThat(f.mayWrite(150_000)).isTrue();
        f.sent(0, 2, 8_000, 150_000);
        assertThat(f.mayWrite(150_000)).isFalse();
        assertThat(f.arrivalUs(150_000, 8_000)).as("nothing predicted yet").isEqualTo(150_000);
        f.ack(0, 1, 182_000);
        f.sent(0, 3, 8_000, 182_000);
        assertThat(f.mayWrite(182_000)).isFalse();
        f.ack(0, 2, 214_000); // in flight at the last ack, and 32 ms after it: 250 KB/s
        assertThat(f.rateBytesPerSecond()).isEqualTo(250_000);
        assertThat(f.mayWrite(214_000)).isTrue();
        assertThat(f.arrivalUs(214_000, 8_000)).as("predicting").isGreaterThan(214_000);
    }

    /** The viewer acks a 1-byte frame at 0; returns when predictions start. */
    static long ackingSinceASecond(InFlight f) {
        f.sent(0, -2, 1, 0);
        f.ack(0, -2, 0);
        return InFlight.LEARN_US;
    }

    @Test
    void anAckOfNothingStartsPacingButNotTheLearningClock() {
        InFlight f = new InFlight(50_000);
        f.ack(-1, -1, 0);
        assertThat(f.acking()).isTrue();
        assertThat(f.mayWrite(0)).isTrue();
        f.sent(0, 0, 33_000, 0);
        assertThat(f.mayWrite(0)).as("an unknown link: one frame at a time until the first ack").isFalse();
        f.ack(0, 0, 5_000_000);
        assertThat(f.mayWrite(5_000_000)).isTrue();
        f.sent(0, 1, 25_000, 5_000_000);
        assertThat(f.arrivalUs(5_000_000 + InFlight.LEARN_US - 1, 1)).as("learning from the first real ack")
                .isEqualTo(5_000_000 + InFlight.LEARN_US - 1);
    }

    @Test
    void aLongPathIsNotMistakenForABacklog() {
        InFlight f = new InFlight(50_000);
        SimulatedLink link = new SimulatedLink(1_000_000, 200_000); // 8 Mb/s, 200 ms round trip
        long worstAheadUs = 0;
        for (int i = 0; i < 240; i++) { // 4 Mb/s: half the link
            long now = i * 16_667L;
            link.deliverAcks(f, now);
            if (i > 60) {
                assertThat(f.mayWrite(now)).as("frame %d", i).isTrue();
                worstAheadUs = Math.max(worstAheadUs, f.arrivalUs(now, 8_000) - now);
            }
            f.sent(0, i, 8_000, now);
            link.send(i, 8_000, now);
        }
        // a frame takes 8 ms on this link; nothing is queued, only propagating
        assertThat(worstAheadUs).isLessThan(30_000);
    }

    @Test
    void unknownAcksChangeNothingAndTheRecordIsBounded() {
        InFlight f = new InFlight(50_000);
        f.sent(0, 1, 10, 0);
        f.ack(0, 99, 1);
        assertThat(f.frames()).isEqualTo(1);
        for (int i = 0; i < InFlight.MAX_ENTRIES + 10; i++) {
            f.sent(0, i + 2, 10, 2);
        }
        assertThat(f.frames()).isEqualTo(InFlight.MAX_ENTRIES);
        assertThat(f.bytes()).isEqualTo(10L * InFlight.MAX_ENTRIES);
    }

    @Test
    void randomWritesAndAcksKeepTheRecordConsistent() {
        java.util.Random rnd = new java.util.Random(7);
        for (int run = 0; run < 200; run++) {
            InFlight f = new InFlight(50_000);
            long now = 1_763_900_000_000_000L; // real µs since the epoch: products of it overflow
            long seq = 0;
            long written = 0;
            long acked = -1;
            for (int i = 0; i < 500; i++) {
                now += rnd.nextInt(10) == 0 ? rnd.nextInt(100_000_000) : rnd.nextInt(20_000);
                if (rnd.nextInt(3) > 0) {
                    f.sent(rnd.nextInt(2), seq++, rnd.nextInt(100_000), now);
                    written++;
                } else {
                    // a real ack, a stale one or garbage
                    long s = rnd.nextInt(4) == 0 ? rnd.nextLong() : acked + 1 + rnd.nextInt((int) Math.max(1, seq - acked));
                    f.ack(0, s, now);
                    acked = Math.max(acked, Math.min(s, seq - 1));
                }
                assertThat(f.bytes()).isNotNegative();
                assertThat(f.frames()).isBetween(0, (int) written);
                // never before now, and never beyond what the whole record could take at 1 B/s
                assertThat(f.arrivalUs(now, rnd.nextInt(100_000))).isBetween(now, now + 1_000_000L * 100_000 * 600);
                assertThat(f.oldestAgeUs(now)).isNotNegative();
            }
        }
    }
}
