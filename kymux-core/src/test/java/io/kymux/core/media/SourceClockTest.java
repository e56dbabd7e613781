package io.kymux.core.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mapping from a source's clock to the server's, driven with made-up arrival times. */
class SourceClockTest {

    private static final long FRAME_TICKS = 3000; // 1/30 s at 90 kHz

    @Test
    void aLateFirstTimestampDoesNotPutTheNextPicturesInTheFuture() {
        SourceClock clock = SourceClock.mpegTs();
        assertThat(clock.toUs(900_000, 1_300_000)).isEqualTo(1_300_000); // 300 ms of encoder start-up
        // the next pictures arrive on time, 1/30 s apart from a start 300 ms earlier
        assertThat(clock.toUs(900_000 + FRAME_TICKS, 1_033_333)).isEqualTo(1_033_333);
        assertThat(clock.toUs(900_000 + 2 * FRAME_TICKS, 1_066_700)).isEqualTo(1_066_666);
        assertThat(clock.toUs(900_000 + 3 * FRAME_TICKS, 1_110_000)).as("a late one keeps its own time")
                .isEqualTo(1_100_000);
    }

    /** Pictures at 30 fps for two minutes, 0–20 ms of arrival jitter, from a clock {@code ppm} off. */
    private static long[] lags(double ppm) {
        SourceClock clock = SourceClock.mpegTs();
        SplittableRandom random = new SplittableRandom(7);
        int frames = 30 * 120;
        long[] lag = new long[frames];
        long lastMapped = Long.MIN_VALUE;
        for (int i = 0; i < frames; i++) {
            long sentUs = 5_000_000 + Math.round(i * 1e6 / 30 * (1 + ppm / 1e6));
            long nowUs = sentUs + random.nextLong(20_000);
            long mapped = clock.toUs(i * FRAME_TICKS, nowUs);
            assertThat(mapped).as("frame %d", i).isLessThanOrEqualTo(nowUs);
            if (i > 0) {
                assertThat(mapped - lastMapped).as("frame %d moves on by about a frame", i).isBetween(0L, 66_000L);
            }
            lastMapped = mapped;
            lag[i] = nowUs - mapped;
        }
        return lag;
    }

    private static long maxOfSecondMinute(long[] lag) {
        long max = 0;
        for (int i = lag.length / 2; i < lag.length; i++) {
            max = Math.max(max, lag[i]);
        }
        return max;
    }

    @Test
    void aSlowSourceClockDoesNotDriftIntoThePast() {
        // 1000 ppm slow: a fixed mapping would be 120 ms behind after two minutes
        assertThat(maxOfSecondMinute(lags(1000))).isLessThan(20_000 + 2 * 10_000 + 1000);
    }

    @Test
    void aFastSourceClockNeverMapsAheadOfArrival() {
        assertThat(maxOfSecondMinute(lags(-1000))).isLessThan(20_000 + 2 * 10_000 + 1000);
    }

    @Test
    void aPictureOnTimeAfterJitterIsLateByItsJitterOnly() {
        long[] lag = lags(0);
        assertThat(maxOfSecondMinute(lag)).isLessThan(20_000);
    }
}
