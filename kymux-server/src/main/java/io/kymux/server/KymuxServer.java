package io.kymux.server;

import io.kymux.core.loop.Backoff;
import io.kymux.core.loop.Backoff;
import io.kymux.server.destination.Destinations;
import io.kymux.server.http.HttpRouter;
import io.kymux.server.quic.QuicServer;
import io.kymux.server.webrtc.WebRtcServer;
import io.kymux.webrtc.RtcIdentity;
import io.kymux.server.tls.CertificateRotation;
import java.util.concurrent.TimeUnit;
import io.kymux.server.tls.HttpsIdentity;
import io.kymux.server.tls.MachineNames;
import io.kymux.server.tls.ServerCertificate;
import io.kymux.server.web.StaticFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kymux server: one HTTP port for ingest, viewers, the player and the API. */
public final class KymuxServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KymuxServer.class);

    private final Kymux kymux;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private Channel serverChannel;
    /** The HTTP port's accepted connections: closed, all of them, when the server closes. */
    private final io.netty.channel.group.ChannelGroup connections =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
    private QuicServer quic;
    private WebRtcServer webrtc;
    private CertificateRotation certificates;
    private java.util.concurrent.ScheduledFuture<?> rotationCheck;
    private java.util.concurrent.ScheduledFuture<?> pemCheck;
    private HttpsIdentity https;
    private final java.util.Map<String, Channel> tcpIngest = new java.util.LinkedHashMap<>();

    public KymuxServer(ServerConfig config, LongSupplier clockUs) {
        this.kymux = new Kymux(config, clockUs);
        kymux.attach(new Destinations(kymux, workers, Backoff.DEFAULT));
    }

    public KymuxServer(ServerConfig config) {
        this(config, io.kymux.core.media.RealtimeClock::nowUs);
    }

    public Kymux kymux() {
        return kymux;
    }

    /** Binds every listener; if one cannot be bound, closes what was and throws (a port in use: {@link PortTakenException}). */
    public KymuxServer start() throws InterruptedException {
        try {
            return listen();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    private KymuxServer listen() throws InterruptedException {
        StaticFiles files = new StaticFiles();
        ServerConfig c = kymux.config();
        // plain HTTP alone needs no HTTPS certificate: none is made, stored or parsed
        https = c.tls().plainHttp() && c.tls().certFile() == null ? null
                : HttpsIdentity.of(c.tls(), certificateNames(c), now());
        boolean udp = !c.quic().off() || !c.webrtc().off();
        certificates = https != null && https.pem() != null ? https.certificates() : !udp ? null
                : CertificateRotation.selfSigned(now(), c.tls().stateDir() == null ? ServerCertificate::selfSigned
                        : t -> io.kymux.server.tls.StoredCertificate.quic(c.tls().stateDir(), t));
        io.netty.handler.ssl.SslContext tls = c.tls().plainHttp() ? null : https.serverContext();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a slow viewer's backlog must wait in its session queue, where late frames are
                // dropped, not in Netty's or the kernel's buffers, where they only get older
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childOption(ChannelOption.SO_SNDBUF, kymux.config().sendBufferBytes())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (tls != null) {
                            // TLS or plain HTTP on one port, told apart by the first bytes: browsers
                            // get HTTPS, ffmpeg and loopback clients keep plain HTTP
                            ch.pipeline().addLast("tls-or-plain", new io.netty.handler.ssl.OptionalSslHandler(tls));
                        }
                        ch.pipeline().addLast("http", new HttpServerCodec(4096, 8192, 64 * 1024));
                        ch.pipeline().addLast("router", new HttpRouter(kymux, files));
                    }
                });
        serverChannel = PortTakenException.binding("TCP", "HTTP", c.port(), "--port", "KYMUX_PORT",
                () -> b.bind(c.bindHost(), c.port()).sync().channel());
        if (tls == null) {
            log.info("kymux listening on http://{}:{} (plain HTTP only)", c.bindHost(), port());
        } else {
            log.info("kymux listening on http and https://{}:{}; HTTPS certificate SHA-256 {} ({}), SPKI {}",
                    c.bindHost(), port(), https.certificates().current().fingerprint(), https.origin(),
                    https.certificates().current().spkiSha256());
        }
        if (https != null && https.pem() != null) {
            pemCheck = workers.next().scheduleWithFixedDelay(this::reloadPemIfChanged, 2, 2, TimeUnit.SECONDS);
        }
        for (var e : c.tcpIngest().entrySet()) {
            tcpIngest.put(e.getKey(), bindTcpIngest(e.getKey(), e.getValue()));
        }
        if (!c.quic().off()) {
            int quicPort = c.quic().port() < 0 ? port() : c.quic().port();
            quic = PortTakenException.binding("UDP", "QUIC: kymux/1 and WebTransport", quicPort, "--quic-port",
                    "KYMUX_QUIC_PORT", () -> new QuicServer(kymux, certificates, c.bindHost(), quicPort, workers));
        }
        if (certificates != null || https != null) { // the stored HTTPS certificate renews here too
            rotationCheck = workers.next().scheduleAtFixedRate(this::rotateCertificateIfDue, 1, 1, TimeUnit.HOURS);
        }
        if (!c.webrtc().off()) {
            int webrtcPort = c.webrtc().port() >= 0 ? c.webrtc().port() : c.port() == 0 ? 0 : port() + 1;
            webrtc = PortTakenException.binding("UDP", "WebRTC", webrtcPort, "--webrtc-port", "KYMUX_WEBRTC_PORT",
                    () -> new WebRtcServer(kymux, () -> new RtcIdentity(certificates.current().certificate(),
                            certificates.current().key()), c.bindHost(), webrtcPort, workers));
            kymux.attach(webrtc);
        }
        kymux.info(new Kymux.ServerInfo(port(), quicPort(), certificates, tls == null ? null : https.certificates()));
        return this;
    }

    private Channel bindTcpIngest(String feed, InetSocketAddress at) throws InterruptedException {
        if (!Kymux.validName(feed)) {
            throw new IllegalArgumentException("bad feed name for TCP ingest: " + feed);
        }
        Channel ch = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new io.kymux.server.ingest.TcpIngestHandler(kymux, feed));
                    }
                }).bind(at).sync().channel();
        log.info("TCP ingest of {} on {}", feed, ch.localAddress());
        return ch;
    }

    /** Where the TCP ingest of {@code feed} listens (tests bind port 0). */
    public InetSocketAddress tcpIngestAddress(String feed) {
        return (InetSocketAddress) tcpIngest.get(feed).localAddress();
    }

    /** This machine's names, the address it is bound to and the one WebRTC viewers are told (behind NAT: the public one). */
    private static MachineNames certificateNames(ServerConfig c) {
        java.util.Set<String> ips = new java.util.TreeSet<>();
        java.util.Set<String> dns = new java.util.TreeSet<>();
        for (String h : new String[] {c.bindHost(), c.webrtc().host()}) {
            if (h == null || h.equals("0.0.0.0") || h.equals("::")) {
                continue;
            }
            (h.matches("[0-9.]+|.*:.*") ? ips : dns).add(h);
        }
        return MachineNames.ofThisMachine().plus(new MachineNames(dns, ips));
    }

    /** A changed --cert/--key pair replaces the old one for new HTTPS and QUIC handshakes. */
    private void reloadPemIfChanged() {
        try {
            https.pem().reloadIfChanged().ifPresent(cert -> {
                https.certificates().replace(cert);
                log.info("certificate reloaded from {}: SHA-256 {}, valid until {}", https.pem().certFile(),
                        cert.fingerprint(), cert.notAfter());
            });
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("cannot reload the certificate ({}); keeping the one in use", e.getMessage());
        }
    }

    private java.time.Instant now() {
        return java.time.Instant.EPOCH.plus(kymux.nowUs(), java.time.temporal.ChronoUnit.MICROS);
    }

    /**
     * Replaces a self-signed certificate that is due (run hourly; tests call it after moving
     * their clock). Connections keep the certificate they were made with.
     */
    public boolean rotateCertificateIfDue() {
        if (https != null) {
            https.renewIfDue(now());
        }
        if (certificates == null) {
            return false;
        }
        boolean rotated = certificates.tick(now());
        if (rotated) {
            log.info("QUIC certificate rotated: SHA-256 {} valid until {}", certificates.current().fingerprint(),
                    certificates.current().notAfter());
        }
        return rotated;
    }

    /**
     * Closes the QUIC port (kymux/1 and WebTransport) while HTTP, WebSocket and WebRTC go
     * on: what a firewall that drops UDP looks like to viewers (failover drills, tests).
     */
    public void stopQuic() {
        if (quic != null) {
            quic.close();
        }
    }

    /** The HTTPS certificate (tests pin it); null for plain HTTP alone ({@code --http-plain} without {@code --cert}). */
    public ServerCertificate httpsCertificate() {
        return https == null ? null : https.certificates().current();
    }

    /** The UDP port of WebRTC; -1 with {@code --webrtc-port off}. */
    public int webrtcPort() {
        return webrtc == null ? -1 : webrtc.port();
    }

    /** The UDP port of QUIC; -1 with {@code --quic-port off}. */
    public int quicPort() {
        return quic == null ? -1 : quic.port();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        // every viewer, ingest and API connection closed now, each on its own loop with its
        // handlers told: left to the loops' shutdown, a page could miss the close for seconds
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (rotationCheck != null) {
            rotationCheck.cancel(false);
        }
        if (pemCheck != null) {
            pemCheck.cancel(false);
        }
        if (webrtc != null) {
            webrtc.close();
        }
        if (quic != null) {
            quic.close();
        }
        tcpIngest.values().forEach(ch -> ch.close().syncUninterruptibly());
        kymux.destinations().removeAll();
        kymux.pulls().removeAll();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        kymux.feeds().disposeAll();
    }
}
