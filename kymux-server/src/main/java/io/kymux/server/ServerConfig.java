package io.kymux.server;

import io.kymux.core.feed.FeedLimits;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.session.QueueLimits;

/**
 * Everything the server can be told, with the defaults documented in
 * {@code kymux server --help}. {@code port} 0 picks a free port (tests).
 *
 * @param destinationLimits the queue of a destination's push: like a viewer's, with a longer
 *                          budget, since a relay hop should ride out scheduling hiccups
 * @param adminToken        null: API changes only from loopback; otherwise they need this bearer token
 * @param rateFollowsViewer every viewer that is a feed's only one sets its producer's bitrate
 *                          ({@code --rate-follows viewer}); false: only viewers that control
 *                          or ask ({@code rate=follow})
 */
public record ServerConfig(String bindHost, int port, FeedLimits feedLimits, QueueLimits queueLimits,
                           QueueLimits destinationLimits, int maxPacketSize, int maxFeeds, int sendBufferBytes,
                           String adminToken, QuicConfig quic, AccessTokens access,
                           java.util.Map<String, java.net.InetSocketAddress> tcpIngest, WebRtcConfig webrtc,
                           TlsConfig tls, boolean rateFollowsViewer) {

    /**
     * TLS on the HTTP port (HTTPS and WSS beside plain HTTP: the first byte of a connection
     * says which) and the certificate both HTTPS and QUIC use when PEM files are given.
     *
     * @param plainHttp  no TLS on the HTTP port (behind a TLS-terminating reverse proxy)
     * @param stateDir   where the self-signed HTTPS certificate is kept across restarts; null:
     *                   made anew at each start (tests)
     * @param certFile   PEM certificate (chain) for HTTPS and QUIC, reloaded when it changes;
     *                   null: self-signed ones
     * @param keyFile    PEM private key of {@code certFile}
     */
    public record TlsConfig(boolean plainHttp, java.nio.file.Path stateDir, java.nio.file.Path certFile,
                            java.nio.file.Path keyFile) {
        public static final TlsConfig DEFAULT = new TlsConfig(false, null, null, null);

        public TlsConfig {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("--cert and --key go together: give both or neither");
            }
        }
    }

    /**
     * kymux/1 over QUIC. {@code port} -1: the HTTP port's number; 0: any free port;
     * {@link ServerConfig#PORT_OFF}: no QUIC (no kymux/1 and no WebTransport).
     * {@code congestion}: cubic, bbr or reno. The certificate is {@link TlsConfig}'s PEM files
     * or a self-signed one. {@code webTransportStreams}: how WebTransport viewers get video
     * (docs/protocol/webtransport.md).
     */
    public record QuicConfig(int port, String congestion, WebTransportStreams webTransportStreams) {
        public static final QuicConfig DEFAULT = new QuicConfig(-1, "cubic", WebTransportStreams.FRAME);

        public QuicConfig withWebTransportStreams(WebTransportStreams w) {
            return new QuicConfig(port, congestion, w);
        }

        public boolean off() {
            return port == PORT_OFF;
        }
    }

    /**
     * One unidirectional stream per video frame (the default: a lost packet delays only its
     * frame), or one per GOP (frames of a GOP in order on one stream; kept to measure the two).
     */
    public enum WebTransportStreams { FRAME, GOP }

    /**
     * WebRTC (WHEP) viewers: one UDP port for all of them. {@code port} -1: the HTTP port's
     * number + 1 (any free port when the HTTP port is chosen by the system); 0: any free port;
     * {@link ServerConfig#PORT_OFF}: no WebRTC (WHEP and WHIP answer 503).
     * {@code host}: the address put in the SDP answer's candidate; null: the address the
     * viewer's WHEP request reached (right on a LAN and on loopback; set it behind NAT).
     */
    public record WebRtcConfig(int port, String host) {
        public static final WebRtcConfig DEFAULT = new WebRtcConfig(-1, null);

        public boolean off() {
            return port == PORT_OFF;
        }
    }

    /**
     * A UDP listener's port meaning "do not listen": a TS- or WebSocket-only relay then loads
     * neither QUIC nor WebRTC (about 27 MB less resident memory, docs/BENCHMARKS.md).
     */
    public static final int PORT_OFF = -2;

    /**
     * Who may watch and who may send input over kymux/1. {@code viewToken} null: anyone may
     * watch. {@code controlToken} null: nobody may send input.
     */
    public record AccessTokens(String viewToken, String controlToken) {
        public static final AccessTokens OPEN_VIEW_NO_CONTROL = new AccessTokens(null, null);
    }

    /** Kernel send buffer per connection: enough for 20 Mb/s at 100 ms RTT, small enough to stay fresh. */
    public static final int DEFAULT_SEND_BUFFER = 256 * 1024;

    public static final int DEFAULT_PORT = 8888;

    /** 240 frames, 16 MiB, 1 s; a new keyframe does not drop what is queued. */
    public static final QueueLimits DEFAULT_DESTINATION_LIMITS = new QueueLimits(240, 16L * 1024 * 1024, 1_000_000, false);

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, FeedLimits.DEFAULT, QueueLimits.DEFAULT,
                DEFAULT_DESTINATION_LIMITS, PacketStreamDecoder.DEFAULT_MAX_PACKET_SIZE, 256, DEFAULT_SEND_BUFFER, null,
                QuicConfig.DEFAULT, AccessTokens.OPEN_VIEW_NO_CONTROL, java.util.Map.of(), WebRtcConfig.DEFAULT,
                TlsConfig.DEFAULT, false);
    }

    public ServerConfig withRateFollowsViewer(boolean follows) {
        return with(b -> b.rateFollowsViewer = follows);
    }

    public ServerConfig withAdminToken(String token) {
        return with(b -> b.adminToken = token);
    }

    public ServerConfig withPort(int p) {
        return with(b -> b.port = p);
    }

    public ServerConfig withBindHost(String h) {
        return with(b -> b.bindHost = h);
    }

    public ServerConfig withFeedLimits(FeedLimits l) {
        return with(b -> b.feedLimits = l);
    }

    public ServerConfig withQueueLimits(QueueLimits l) {
        return with(b -> b.queueLimits = l);
    }

    public ServerConfig withAccess(AccessTokens a) {
        return with(b -> b.access = a);
    }

    /** Raw TCP ingest: feed name → address to listen on (one producer at a time per feed). */
    public ServerConfig withTcpIngest(java.util.Map<String, java.net.InetSocketAddress> t) {
        return with(b -> b.tcpIngest = java.util.Map.copyOf(t));
    }

    public ServerConfig withWebRtc(WebRtcConfig w) {
        return with(b -> b.webrtc = w);
    }

    public ServerConfig withTls(TlsConfig t) {
        return with(b -> b.tls = t);
    }

    public ServerConfig withQuic(QuicConfig q) {
        return with(b -> b.quic = q);
    }

    /** A copy with some components changed: the one place the canonical constructor is called with all of them. */
    private ServerConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServerConfig(c.bindHost, c.port, c.feedLimits, c.queueLimits, destinationLimits, maxPacketSize,
                maxFeeds, sendBufferBytes, c.adminToken, c.quic, c.access, c.tcpIngest, c.webrtc, c.tls,
                c.rateFollowsViewer);
    }

    /** The components the {@code with} methods change. */
    private static final class Copy {
        String bindHost;
        int port;
        FeedLimits feedLimits;
        QueueLimits queueLimits;
        String adminToken;
        AccessTokens access;
        java.util.Map<String, java.net.InetSocketAddress> tcpIngest;
        WebRtcConfig webrtc;
        QuicConfig quic;
        TlsConfig tls;
        boolean rateFollowsViewer;

        Copy(ServerConfig c) {
            rateFollowsViewer = c.rateFollowsViewer;
            tls = c.tls;
            quic = c.quic;
            webrtc = c.webrtc;
            bindHost = c.bindHost;
            port = c.port;
            feedLimits = c.feedLimits;
            queueLimits = c.queueLimits;
            adminToken = c.adminToken;
            access = c.access;
            tcpIngest = c.tcpIngest;
        }
    }
}
