package io.kymux.app.bench;

import java.net.URI;

/**
 * A bench run: N viewers of a synthetic stream; a fraction of them read slowly. The stream
 * runs warm-up + duration seconds; latency is recorded for the last {@code durationSeconds}.
 * With {@code slowLocalPort} > 0 the slow viewers read at full speed from local ports
 * slowLocalPort, slowLocalPort + 1, …, and their links are shaped outside the bench. With
 * transport {@code ts} the stream is MPEG-TS, posted to {@code tsIngest} and watched at
 * {@code tsWatch} (by default the server's {@code /ts/} feed; any vw/jsmpeg-style relay's
 * URLs otherwise); {@code relayPid} > 0 names the relay's process, whose CPU and RSS are
 * then reported. {@code lowerRenditions}: bitrates of renditions below the stream's, published
 * with it (keyframes aligned) as {@code FEED~…k}; viewers then follow their links across them.
 */
record BenchOptions(int viewers, int durationSeconds, int warmupSeconds, long bitrate, int fps, int gop,
                    double slowFraction, double slowRate, URI target, long latencyBudgetMs, boolean ack,
                    String transport, int slowJoinSeconds, int slowLocalPort, URI tsIngest, URI tsWatch,
                    int relayPid, java.util.List<Long> lowerRenditions) {

    BenchOptions(int viewers, int durationSeconds, int warmupSeconds, long bitrate, int fps, int gop,
                 double slowFraction, double slowRate, URI target, long latencyBudgetMs, boolean ack,
                 String transport, int slowJoinSeconds, int slowLocalPort, URI tsIngest, URI tsWatch, int relayPid) {
        this(viewers, durationSeconds, warmupSeconds, bitrate, fps, gop, slowFraction, slowRate, target, latencyBudgetMs,
                ack, transport, slowJoinSeconds, slowLocalPort, tsIngest, tsWatch, relayPid, java.util.List.of());
    }

    BenchOptions(int viewers, int durationSeconds, int warmupSeconds, long bitrate, int fps, int gop,
                 double slowFraction, double slowRate, URI target, long latencyBudgetMs, boolean ack,
                 String transport, int slowJoinSeconds, int slowLocalPort) {
        this(viewers, durationSeconds, warmupSeconds, bitrate, fps, gop, slowFraction, slowRate, target, latencyBudgetMs,
                ack, transport, slowJoinSeconds, slowLocalPort, null, null, 0);
    }

    boolean quic() {
        return "quic".equals(transport);
    }

    boolean ts() {
        return "ts".equals(transport);
    }

    /** A relay that is not kymux: given by its TS URLs alone. */
    boolean reference() {
        return tsIngest != null;
    }
}
