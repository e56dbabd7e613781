package io.kymux.core.quic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatagramPacerTest {

    @Test
    void aFrameGoesWholeThenTheBucketRefillsAtThePathRate() {
        DatagramPacer p = new DatagramPacer(8_000_000, 10_000); // 1 byte/µs
        assertThat(p.ready(0)).isTrue();
        p.sent(30_000, 0); // a keyframe: whole, into debt
        assertThat(p.ready(0)).isFalse();
        assertThat(p.readyAtUs(0)).isEqualTo(20_001);
        assertThat(p.ready(20_000)).isFalse();
        assertThat(p.ready(20_001)).isTrue();
        assertThat(p.sentBytes()).isEqualTo(30_000);
    }

    @Test
    void rateFollowsCwndOverRttWithinBounds() {
        DatagramPacer p = new DatagramPacer(8_000_000, 10_000);
        p.update(120_000, 40_000); // 120 kB per 40 ms = 24 Mb/s, ×1.25
        assertThat(p.rateBps()).isEqualTo(30_000_000);
        p.update(1, 1_000_000);
        assertThat(p.rateBps()).isEqualTo(DatagramPacer.MIN_RATE_BPS);
        p.update(0, 0); // no figures yet: unchanged
        assertThat(p.rateBps()).isEqualTo(DatagramPacer.MIN_RATE_BPS);
    }

    @Test
    void idleTimeDoesNotBuildMoreThanOneBurst() {
        DatagramPacer p = new DatagramPacer(8_000_000, 10_000);
        p.sent(10_000, 0);
        assertThat(p.ready(1_000_000_000L)).isTrue();
        p.sent(10_000, 1_000_000_000L);
        assertThat(p.ready(1_000_000_000L)).isFalse();
    }
}
