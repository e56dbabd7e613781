package io.kymux.app;

import io.kymux.core.feed.FeedLimits;
import io.kymux.core.session.QueueLimits;
import io.kymux.server.ServerConfig;
import picocli.CommandLine.Option;

/** Server settings shared by {@code server} and {@code demo}: flags, each with an environment variable. */
final class ServerOptions {

    @Option(names = "--port", defaultValue = "${env:KYMUX_PORT:-${env:VW_PORT:-8888}}",
            description = "HTTP port (env KYMUX_PORT, or vw's VW_PORT; default 8888)")
    int port;

    @Option(names = "--admin-token", defaultValue = "${env:KYMUX_ADMIN_TOKEN:-}",
            description = "changes through /api need 'Authorization: Bearer TOKEN' (env KYMUX_ADMIN_TOKEN); "
                    + "without a token only loopback clients may change anything")
    String adminToken;

    @Option(names = "--bind", defaultValue = "${env:KYMUX_BIND:-0.0.0.0}",
            description = "address to listen on (env KYMUX_BIND, default 0.0.0.0)")
    String bind;

    @Option(names = "--latency-budget-ms", defaultValue = "${env:KYMUX_LATENCY_BUDGET_MS:-150}",
            description = "a frame older than this in a viewer's queue is dropped (env KYMUX_LATENCY_BUDGET_MS, default 150)")
    long latencyBudgetMs;

    @Option(names = "--queue-frames", defaultValue = "${env:KYMUX_QUEUE_FRAMES:-120}",
            description = "max frames queued per viewer (env KYMUX_QUEUE_FRAMES, default 120)")
    int queueFrames;

    @Option(names = "--queue-bytes", defaultValue = "${env:KYMUX_QUEUE_BYTES:-8388608}",
            description = "max bytes queued per viewer (env KYMUX_QUEUE_BYTES, default 8 MiB)")
    long queueBytes;

    @Option(names = "--destination-budget-ms", defaultValue = "${env:KYMUX_DESTINATION_BUDGET_MS:-1000}",
            description = "a frame older than this waiting for a destination's push is dropped "
                    + "(env KYMUX_DESTINATION_BUDGET_MS, default 1000)")
    long destinationBudgetMs;

    @Option(names = "--gop-max-bytes", defaultValue = "${env:KYMUX_GOP_MAX_BYTES:-33554432}",
            description = "GOP cache bound per feed (env KYMUX_GOP_MAX_BYTES, default 32 MiB)")
    long gopMaxBytes;

    @Option(names = "--gop-max-age-ms", defaultValue = "${env:KYMUX_GOP_MAX_AGE_MS:-120000}",
            description = "GOP cache age bound (env KYMUX_GOP_MAX_AGE_MS, default 120000)")
    long gopMaxAgeMs;

    @Option(names = "--max-packet-bytes", defaultValue = "${env:KYMUX_MAX_PACKET_BYTES:-16777216}",
            description = "largest accepted packet (env KYMUX_MAX_PACKET_BYTES, default 16 MiB)")
    int maxPacket;

    @Option(names = "--max-feeds", defaultValue = "${env:KYMUX_MAX_FEEDS:-256}",
            description = "most feeds at once (env KYMUX_MAX_FEEDS, default 256)")
    int maxFeeds;

    @Option(names = "--send-buffer-bytes", defaultValue = "${env:KYMUX_SEND_BUFFER_BYTES:-262144}",
            description = "kernel send buffer per connection (env KYMUX_SEND_BUFFER_BYTES, default 256 KiB)")
    int sendBuffer;

    @Option(names = "--log-level", defaultValue = "${env:KYMUX_LOG_LEVEL:-${env:VW_LOGLEVEL:-info}}",
            description = "error, warn, info, debug or trace (env KYMUX_LOG_LEVEL, or vw's VW_LOGLEVEL; default info)")
    String logLevel;

    /** Applies the log level; must run before the first logger is created. */
    void applyLogLevel() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel.toLowerCase(java.util.Locale.ROOT));
    }

    ServerConfig toConfig() {
        return new ServerConfig(bind, port, new FeedLimits(gopMaxBytes, gopMaxAgeMs * 1000),
                new QueueLimits(queueFrames, queueBytes, latencyBudgetMs * 1000),
                new QueueLimits(2 * queueFrames, 2 * queueBytes, destinationBudgetMs * 1000).forRelay(), maxPacket, maxFeeds, sendBuffer,
                adminToken == null || adminToken.isBlank() ? null : adminToken);
    }
}
