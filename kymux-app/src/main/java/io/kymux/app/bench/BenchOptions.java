package io.kymux.app.bench;

import java.net.URI;

/**
 * A bench run: N viewers of a synthetic stream; a fraction of them read slowly. The stream
 * runs warm-up + duration seconds; latency is recorded for the last {@code durationSeconds}.
 */
record BenchOptions(int viewers, int durationSeconds, int warmupSeconds, long bitrate, int fps, int gop,
                    double slowFraction, double slowRate, URI target, long latencyBudgetMs, boolean ack,
                    String transport, int slowJoinSeconds) {

    boolean quic() {
        return "quic".equals(transport);
    }
}
