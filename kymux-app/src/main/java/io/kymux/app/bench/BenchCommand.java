package io.kymux.app.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load generator: a synthetic stream, N WebSocket viewers, latency percentiles.",
            "Starts an in-process server unless --target is given. Bounded in time; stops by itself."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--viewers", defaultValue = "10", description = "viewers (default ${DEFAULT-VALUE})")
    int viewers;

    @Option(names = "--duration", defaultValue = "10", description = "seconds of publishing (default ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--warmup", defaultValue = "2",
            description = "seconds published before latency is recorded (JIT warm-up; default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--bitrate", defaultValue = "4000000", description = "stream bits/s (default ${DEFAULT-VALUE})")
    long bitrate;

    @Option(names = "--fps", defaultValue = "60", description = "frames/s (default ${DEFAULT-VALUE})")
    int fps;

    @Option(names = "--gop", defaultValue = "120", description = "frames per GOP (default ${DEFAULT-VALUE})")
    int gop;

    @Option(names = "--slow-fraction", defaultValue = "0", description = "fraction of slow viewers, 0..1")
    double slowFraction;

    @Option(names = "--slow-rate", defaultValue = "0.5",
            description = "slow viewers read at this fraction of the stream bitrate (default ${DEFAULT-VALUE})")
    double slowRate;

    @Option(names = "--latency-budget-ms", defaultValue = "150",
            description = "in-process server's latency budget (default ${DEFAULT-VALUE})")
    long latencyBudgetMs;

    @Option(names = "--ack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "viewers acknowledge frames, so the server paces them (default on; --no-ack to compare)")
    boolean ack;

    @Option(names = "--transport", defaultValue = "websocket",
            description = "websocket, quic (kymux/1 viewers; slow viewers are WebSocket only) or ts (MPEG-TS posted to "
                    + "/ts/bench0 and watched by jsmpeg-style viewers at ws://…/ts/bench0)")
    String transport;

    @Option(names = "--ts-ingest", description = "with --transport ts: post the TS here instead, e.g. a jsmpeg "
            + "websocket-relay.js at http://127.0.0.1:8081/secret (then --ts-watch too)")
    URI tsIngest;

    @Option(names = "--ts-watch", description = "with --ts-ingest: where its viewers connect, e.g. ws://127.0.0.1:8082/")
    URI tsWatch;

    @Option(names = "--relay-pid", defaultValue = "0",
            description = "the relay's process id (a server of its own): its CPU and RSS over the run are reported")
    int relayPid;

    @Option(names = "--slow-join", defaultValue = "0",
            description = "slow viewers join this many seconds after the first frame (0: before it, with the others), "
                    + "so their replay of the cached GOP and their link's first seconds are measured; the frames of the "
                    + "replay are the past by design and not in the percentiles; their frame accounting is not checked")
    int slowJoin;

    @Option(names = "--slow-local-port", defaultValue = "0",
            description = "slow viewers connect from local ports BASE, BASE+1, ... and read at full speed: their links "
                    + "are shaped by the kernel (tc on a test host of your own; see kymux-bench/thin-links.sh)")
    int slowLocalPort;

    @Option(names = "--renditions", split = ",", converter = BitrateConverter.class,
            description = {"also publish renditions at these bitrates below --bitrate (e.g. 1M,300k), keyframes aligned;",
                "WebSocket viewers then follow their links across the set"})
    java.util.List<Long> renditions;

    /** 300k, 1M, 1500000. */
    static final class BitrateConverter implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String s) {
            return io.kymux.capture.RenditionSpec.parseBitrate(s.trim());
        }
    }

    @Option(names = "--watch", description = {"with --target: publish nothing, watch this feed with one acking viewer",
        "(from --slow-local-port if given) asking for rate following, and print a time series every 500 ms:",
        "the feed's bitrate and the rate asked of its producer, frames, p95 latency and the longest gap"})
    String watch;

    @Option(names = "--target", description = "an existing server, http://host:port (loopback or your own test hosts)")
    URI target;

    @Option(names = "--json", description = "also write the report as JSON to this file")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (duration < 1 || duration > 3600 || viewers < 1 || viewers > 10_000) {
            throw new IllegalArgumentException("--duration 1..3600 and --viewers 1..10000");
        }
        if ((tsIngest == null) != (tsWatch == null) || tsIngest != null && !"ts".equals(transport)) {
            throw new IllegalArgumentException("--ts-ingest and --ts-watch go together, with --transport ts");
        }
        if (watch != null) {
            if (target == null) {
                throw new IllegalArgumentException("--watch needs --target: a server with a producer of that feed");
            }
            RateFollowWatch.run(target, watch, slowLocalPort, duration, System.out);
            return 0;
        }
        BenchReport r = Bench.run(new BenchOptions(viewers, duration, warmup, bitrate, fps, gop, slowFraction, slowRate,
                target, latencyBudgetMs, ack, transport, slowJoin, slowLocalPort, tsIngest, tsWatch, relayPid,
                renditions == null ? java.util.List.of() : renditions));
        System.out.print(r.table());
        if (json != null) {
            Files.writeString(json, r.json());
        }
        return r.accountingChecked() && !r.accountingOk() ? 1 : 0;
    }
}
