package io.kymux.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff b = new Backoff(250, 10_000);

    @Test
    void doublesUpToTheCeilingWithEqualJitter() {
        assertThat(b.delayMs(1, 0.0)).isEqualTo(125);
        assertThat(b.delayMs(1, 0.999999)).isEqualTo(249);
        assertThat(b.delayMs(2, 0.0)).isEqualTo(250);
        assertThat(b.delayMs(3, 0.0)).isEqualTo(500);
        assertThat(b.delayMs(6, 0.0)).isEqualTo(4000);
        assertThat(b.delayMs(7, 0.0)).as("capped at max").isEqualTo(5000);
        assertThat(b.delayMs(1000, 0.999999)).isBetween(5000L, 10_000L);
    }

    @Test
    void alwaysWithinHalfCeilingAndCeiling() {
        Random r = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            int failures = 1 + r.nextInt(64);
            long ceiling = Math.min(10_000, 250L << Math.min(failures - 1, 30));
            assertThat(b.delayMs(failures, r.nextDouble())).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(100, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
