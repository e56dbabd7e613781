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
        f.sent(0, 2, 1000, 10_000);
        f.sent(1, 7, 100, 20_000);
        f.sent(0, 3, 1000, 30_000);
        assertThat(f.mayWrite(60_000)).isTrue();
        assertThat(f.mayWrite(60_001)).isFalse();
        f.ack(1, 7, 70_000); // acks (0,2) too: TCP delivers in order
        assertThat(f.frames()).isEqualTo(1);
        assertThat(f.bytes()).isEqualTo(1000);
        assertThat(f.mayWrite(70_000)).isTrue();
        assertThat(f.oldestAgeUs(70_000)).isEqualTo(40_000);
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
}
