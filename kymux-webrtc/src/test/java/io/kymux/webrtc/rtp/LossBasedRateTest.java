package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The loss-based estimate over a simulated tail-drop link, one receiver report a second, on a fake clock. */
class LossBasedRateTest {

    /** A link of {@code linkBps} that drops what it cannot carry: the fraction lost of 256, as a report says it. */
    static int fractionLost(long sentBps, long linkBps) {
        return sentBps <= linkBps ? 0 : (int) Math.round(256.0 * (sentBps - linkBps) / sentBps);
    }

    @Test
    void aThinLinkShowsAtOnceAndAnIdleOneIsProbedUpwards() {
        LossBasedRate rate = new LossBasedRate();
        long bytes = 0;
        long now = 0;
        rate.report(0, bytes, now);
        assertThat(rate.estimate()).as("one report is no rate").isEqualTo(-1);
        // 1.2 Mbit/s into a 500 kbit/s link: 58 % lost
        bytes += 1_200_000 / 8;
        now += 1_000_000;
        rate.report(fractionLost(1_200_000, 500_000), bytes, now);
        assertThat(rate.estimate()).as("below 90 % of the 1.2 Mbit/s rendition, above a 150 kbit/s one")
                .isBetween(150_000L, 1_080_000L);
        // on a 150 kbit/s rendition nothing is lost: the estimate grows 8 % a second
        long before = rate.estimate();
        for (int s = 0; s < 5; s++) {
            bytes += 150_000 / 8;
            now += 1_000_000;
            rate.report(0, bytes, now);
        }
        assertThat(rate.estimate()).isBetween((long) (before * 1.45), (long) (before * 1.49));
    }

    @Test
    void moderateLossHoldsAndTheBoundsHold() {
        LossBasedRate rate = new LossBasedRate();
        rate.report(0, 0, 0);
        rate.report(0, 125_000, 1_000_000); // 1 Mbit/s sent, nothing lost
        long held = rate.estimate();
        assertThat(held).isEqualTo(1_080_000);
        rate.report(13, 250_000, 2_000_000); // 5 % lost
        assertThat(rate.estimate()).as("between 2 and 10 %: held").isEqualTo(held);
        rate.report(0, 250_000, 2_050_000);
        assertThat(rate.estimate()).as("a report 50 ms after the last is not a rate").isEqualTo(held);
        rate.report(255, 250_001, 3_000_000); // almost nothing sent, all of it lost
        assertThat(rate.estimate()).isEqualTo(LossBasedRate.FLOOR_BITS_PER_SECOND);
    }
}
