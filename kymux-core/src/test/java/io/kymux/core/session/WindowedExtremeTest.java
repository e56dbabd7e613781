package io.kymux.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowedExtremeTest {

    @Test
    void theMaxOfTheWindowAgesOutButTheNewestSampleStays() {
        WindowedExtreme max = WindowedExtreme.max(1_000);
        assertThat(max.get(0)).isEqualTo(-1);
        max.add(50, 0);
        max.add(80, 100);
        max.add(60, 200);
        assertThat(max.get(1_000)).isEqualTo(80);
        assertThat(max.get(1_101)).as("80 aged out").isEqualTo(60);
        assertThat(max.get(50_000)).as("the newest stays").isEqualTo(60);
    }

    @Test
    void theMinKeepsTheSmallest() {
        WindowedExtreme min = WindowedExtreme.min(1_000);
        min.add(30, 0);
        min.add(10, 1);
        min.add(20, 2);
        assertThat(min.get(2)).isEqualTo(10);
        assertThat(min.peek()).isEqualTo(10);
    }

    @Test
    void agreesWithAScanOfTheWindowOnRandomSamples() {
        Random rnd = new Random(42);
        long window = 5_000;
        long[] at = new long[2_000];
        long[] value = new long[at.length];
        WindowedExtreme max = WindowedExtreme.max(window);
        long now = 0;
        for (int i = 0; i < at.length; i++) {
            now += rnd.nextInt(200);
            at[i] = now;
            value[i] = rnd.nextInt(1_000);
            max.add(value[i], now);
            long expected = -1;
            for (int j = 0; j <= i; j++) {
                if (now - at[j] <= window) {
                    expected = Math.max(expected, value[j]);
                }
            }
            if (expected < 0) {
                expected = value[i];
            }
            assertThat(max.get(now)).as("sample %d", i).isEqualTo(expected);
        }
    }
}
