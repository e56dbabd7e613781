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

    @Option(names = "--quic-port", defaultValue = "${env:KYMUX_QUIC_PORT:--1}", converter = UdpPort.class,
            description = "UDP port of kymux/1 over QUIC (env KYMUX_QUIC_PORT; default -1: the HTTP port's number; "
                    + "off: no QUIC, so no kymux/1 and no WebTransport)")
    int quicPort;

    @Option(names = "--webrtc-port", defaultValue = "${env:KYMUX_WEBRTC_PORT:--1}", converter = UdpPort.class,
            description = "UDP port of all WebRTC (WHEP and WHIP) peers (env KYMUX_WEBRTC_PORT; default -1: the HTTP "
                    + "port + 1; off: no WebRTC)")
    int webrtcPort;

    /** A UDP port flag: a number, or {@code off} for no listener (a TS- or WebSocket-only relay, less memory). */
    static final class UdpPort implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.equalsIgnoreCase("off")) {
                return ServerConfig.PORT_OFF;
            }
            try {
                int p = Integer.parseInt(value);
                if (p >= -1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // the readable line below
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a UDP port: use 0-65535, -1 or off");
        }
    }

    @Option(names = "--webrtc-host", defaultValue = "${env:KYMUX_WEBRTC_HOST:-}",
            description = "address WebRTC viewers are told to send to (env KYMUX_WEBRTC_HOST); default: the address "
                    + "their WHEP request reached; set it to the public address behind NAT")
    String webrtcHost;

    @Option(names = "--congestion", defaultValue = "${env:KYMUX_CONGESTION:-cubic}",
            description = "QUIC congestion control: cubic, bbr or reno (env KYMUX_CONGESTION, default cubic)")
    String congestion;

    @Option(names = "--webtransport-streams", defaultValue = "${env:KYMUX_WEBTRANSPORT_STREAMS:-FRAME}",
            description = "WebTransport video: frame, a unidirectional stream per frame (default: a lost packet "
                    + "delays only its frame), or gop, one stream per GOP (env KYMUX_WEBTRANSPORT_STREAMS)")
    ServerConfig.WebTransportStreams webTransportStreams;

    @Option(names = "--cert", defaultValue = "${env:KYMUX_CERT:-}",
            description = "PEM certificate (chain) for HTTPS/WSS on the HTTP port and for QUIC (env KYMUX_CERT), "
                    + "reloaded when the file changes; default: self-signed ones (HTTPS: kept in --state-dir; "
                    + "QUIC: ECDSA P-256, 14 days, rotated), their fingerprints printed and served at /api/server")
    String cert;

    @Option(names = "--key", defaultValue = "${env:KYMUX_KEY:-}",
            description = "PEM private key of --cert (env KYMUX_KEY)")
    String key;

    @Option(names = "--state-dir", defaultValue = "${env:KYMUX_STATE_DIR:-${sys:user.home}/.local/state/kymux}",
            description = "where the self-signed HTTPS certificate is kept, so a browser exception made once keeps "
                    + "working across restarts (env KYMUX_STATE_DIR, default ~/.local/state/kymux)")
    String stateDir;

    @Option(names = "--http-plain", defaultValue = "${env:KYMUX_HTTP_PLAIN:-false}",
            description = "plain HTTP only on the HTTP port, no TLS (env KYMUX_HTTP_PLAIN): behind a reverse proxy "
                    + "that terminates TLS. Default: HTTPS and plain HTTP on the same port")
    boolean httpPlain;

    @Option(names = "--view-token", defaultValue = "${env:KYMUX_VIEW_TOKEN:-}",
            description = "kymux/1 viewers must present this token (env KYMUX_VIEW_TOKEN); default: anyone may watch")
    String viewToken;

    @Option(names = "--control-token", defaultValue = "${env:KYMUX_CONTROL_TOKEN:-}",
            description = "kymux/1 viewers presenting this token may send input (env KYMUX_CONTROL_TOKEN); "
                    + "default: nobody may")
    String controlToken;

    @Option(names = "--tcp-ingest", split = ",", defaultValue = "${env:KYMUX_TCP_INGEST:-}",
            description = "raw TCP packet-stream ingest, FEED=HOST:PORT, repeatable or comma-separated "
                    + "(env KYMUX_TCP_INGEST), e.g. video0=127.0.0.1:1234")
    java.util.List<String> tcpIngest;

    @Option(names = "--pull", split = ",", defaultValue = "${env:KYMUX_PULL:-}",
            description = "pull a network source into a feed, FEED=URL, repeatable or comma-separated (env KYMUX_PULL), "
                    + "e.g. cam1=rtsp://192.168.1.20:554/stream: H.264 over RTSP/TCP, reconnecting by itself")
    java.util.List<String> pull;

    /** Gives the server FFmpeg's pulls and transcoder, and starts every --pull; a malformed one is a usage error naming it. */
    void startPulls(io.kymux.server.KymuxServer server) {
        server.kymux().pulls().use(new FfmpegPuller(server.kymux().clock()));
        server.kymux().useTranscoder(new FfmpegTranscoder()); // MP2 in a TS ingest becomes Opus
        for (String p : pull == null ? java.util.List.<String>of() : pull) {
            if (p.isBlank()) {
                continue;
            }
            int eq = p.indexOf('=');
            String problem = eq <= 0 ? "use FEED=URL" : server.kymux().pulls().add(p.substring(0, eq), p.substring(eq + 1));
            if (problem != null) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--pull " + p + ": " + problem);
            }
        }
    }

    @Option(names = "--rate-follows", defaultValue = "${env:KYMUX_RATE_FOLLOWS:-controller}",
            description = {"whose link sets a producer's bitrate while it is the feed's only viewer: controller (a viewer",
                "with the control token, or asking with ?rate=follow) or viewer (any) (env KYMUX_RATE_FOLLOWS, default controller)"})
    String rateFollows;

    @Option(names = "--log-level", defaultValue = "${env:KYMUX_LOG_LEVEL:-${env:VW_LOGLEVEL:-info}}",
            description = "error, warn, info, debug or trace (env KYMUX_LOG_LEVEL, or vw's VW_LOGLEVEL; default info)")
    String logLevel;

    /** Applies the log level; must run before the first logger is created. */
    void applyLogLevel() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel.toLowerCase(java.util.Locale.ROOT));
    }

    ServerConfig toConfig() {
        if (!"controller".equals(rateFollows) && !"viewer".equals(rateFollows)) {
            throw new IllegalArgumentException("--rate-follows " + rateFollows + ": use controller or viewer");
        }
        return new ServerConfig(bind, port, new FeedLimits(gopMaxBytes, gopMaxAgeMs * 1000),
                new QueueLimits(queueFrames, queueBytes, latencyBudgetMs * 1000),
                new QueueLimits(2 * queueFrames, 2 * queueBytes, destinationBudgetMs * 1000).forRelay(), maxPacket, maxFeeds, sendBuffer,
                blankToNull(adminToken),
                new ServerConfig.QuicConfig(quicPort, congestion, webTransportStreams),
                new ServerConfig.AccessTokens(blankToNull(viewToken), blankToNull(controlToken)), tcpIngestMap(),
                new ServerConfig.WebRtcConfig(webrtcPort, blankToNull(webrtcHost)),
                new ServerConfig.TlsConfig(httpPlain, path(stateDir), path(cert), path(key)),
                "viewer".equals(rateFollows));
    }

    private java.util.Map<String, java.net.InetSocketAddress> tcpIngestMap() {
        java.util.Map<String, java.net.InetSocketAddress> m = new java.util.LinkedHashMap<>();
        for (String spec : tcpIngest == null ? java.util.List.<String>of() : tcpIngest) {
            if (spec.isBlank()) {
                continue;
            }
            int eq = spec.indexOf('=');
            int colon = spec.lastIndexOf(':');
            if (eq <= 0 || colon < eq) {
                throw new IllegalArgumentException("--tcp-ingest wants FEED=HOST:PORT, got " + spec);
            }
            m.put(spec.substring(0, eq), new java.net.InetSocketAddress(spec.substring(eq + 1, colon),
                    Integer.parseInt(spec.substring(colon + 1))));
        }
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static java.nio.file.Path path(String s) {
        return blankToNull(s) == null ? null : java.nio.file.Path.of(s);
    }
}
