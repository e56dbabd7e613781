package io.kymux.core.media;

import java.time.Instant;

/**
 * The one clock PTS values live on: microseconds since the Unix epoch. Capture times,
 * ingest receive times and viewers' latency figures all use it, so latency can be
 * measured anywhere clocks agree. Only the edges read it; cores take {@code now} as input.
 */
public final class RealtimeClock {

    private RealtimeClock() {
    }

    public static long nowUs() {
        Instant n = Instant.now();
        return n.getEpochSecond() * 1_000_000L + n.getNano() / 1000;
    }
}
