package io.kymux.app.bench;

import java.net.URI;

/** A bench run: N viewers of a synthetic stream; a fraction of them read slowly. */
record BenchOptions(int viewers, int durationSeconds, long bitrate, int fps, int gop, double slowFraction,
                    double slowRate, URI target, long latencyBudgetMs) {
}
