package io.kymux.app.bench;

import java.net.URI;

/**
 * A bench run: N viewers of a synthetic stream; a fraction of them read slowly. The stream
 * runs warm-up + duration seconds; latency is recorded for the last {@code durationSeconds}.
 * With {@code slowLocalPort} > 0 the slow viewers read at full speed from local ports
 * slowLocalPort, slowLocalPort + 1, …, and their links are shaped outside the bench.
 */
record BenchOptions(int viewers, int durationSeconds, int warmupSeconds, long bitrate, int fps, int gop,
                    double slowFraction, double slowRate, URI target, long latencyBudgetMs, boolean ack,
                    String transport, int slowJoinSeconds, int slowLocalPort) {

    boolean quic() {
        return "quic".equals(transport);
    }
}
