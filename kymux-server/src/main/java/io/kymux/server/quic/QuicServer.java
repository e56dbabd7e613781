package io.kymux.server.quic;

import io.kymux.server.Kymux;
import io.kymux.server.tls.CertificateRotation;
import io.kymux.server.webtransport.WebTransportConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kymux/1 over QUIC (docs/protocol/kymux-quic.md) on Netty's native QUIC codec: ALPN
 * {@code kymux/1}, the DATAGRAM extension for media, one connection per viewer carrying
 * control, media and input.
 */
public final class QuicServer implements AutoCloseable {

    /** Datagrams Netty queues per connection each way; the sender paces below this. */
    static final int DATAGRAM_QUEUE = 2048;
    static final int SOCKET_BUFFER = 4 << 20;
    static final int INITIAL_CWND_PACKETS = 32;

    private static final Logger log = LoggerFactory.getLogger(QuicServer.class);

    private final Channel channel;
    /** Every open QUIC connection (a closed one leaves by itself), told when the server stops. */
    private final io.netty.channel.group.ChannelGroup connections =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

    public QuicServer(Kymux kymux, CertificateRotation certificates, String host, int port, EventLoopGroup group)
            throws InterruptedException {
        // each handshake takes the certificate current at that moment (self-signed ones rotate)
        QuicSslContext tls = QuicSslContextBuilder.forServer(certificates.keyManager(), null)
                .applicationProtocols(io.kymux.core.quic.ControlMessage.ALPN, WebTransportConnection.ALPN).build();
        ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(tls)
                .congestionControlAlgorithm(congestion(kymux.config().quic().congestion()))
                // a keyframe should not need several round trips of slow start to get out
                .initialCongestionWindowPackets(INITIAL_CWND_PACKETS)
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(64L << 20)
                .initialMaxStreamDataBidirectionalLocal(16L << 20)
                .initialMaxStreamDataBidirectionalRemote(1L << 20)
                .initialMaxStreamsBidirectional(16)
                // HTTP/3 peers open three (control, QPACK encoder and decoder) at once
                .initialMaxStreamsUnidirectional(16)
                .initialMaxStreamDataUnidirectional(1L << 20)
                .datagram(DATAGRAM_QUEUE, DATAGRAM_QUEUE)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new AlpnSwitch(kymux, ch));
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        AlpnSwitch.settle(kymux, ch.parent()); // a stream may come before channelActive
                        WebTransportConnection wt = WebTransportConnection.of(ch.parent());
                        if (wt != null) {
                            wt.initStream(ch);
                        } else {
                            QuicViewerConnection.of(ch.parent()).attach(ch);
                        }
                    }
                })
                .build();
        // one socket for every QUIC viewer: room for their bursts each way (the kernel caps
        // these at net.core.rmem_max / wmem_max)
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER).option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .handler(codec).bind(host, port).sync().channel();
        log.info("kymux/1 (QUIC) on udp://{}:{} certificate SHA-256 {}", host, port(), certificates.current().fingerprint());
    }

    /**
     * Once the handshake has settled the protocol (a server QuicChannel is active before
     * that): kymux/1, or HTTP/3 for WebTransport.
     */
    private static final class AlpnSwitch extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final Kymux kymux;
        private final QuicChannel quic;

        AlpnSwitch(Kymux kymux, QuicChannel quic) {
            this.kymux = kymux;
            this.quic = quic;
        }

        private Object datagramEvent;

        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.codec.quic.QuicDatagramExtensionEvent) {
                datagramEvent = evt; // comes during the handshake: replayed to the protocol's handlers
            }
            ctx.fireUserEventTriggered(evt);
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent done && done.isSuccess()) {
                settle(kymux, quic); // the channel is active before this: ALPN is known only now
            }
        }

        /** Adds the protocol's handlers once, whichever comes first: the connection or its first stream. */
        static void settle(Kymux kymux, QuicChannel quic) {
            io.netty.channel.ChannelPipeline p = quic.pipeline();
            AlpnSwitch me = p.get(AlpnSwitch.class);
            if (me == null) {
                return;
            }
            String alpn = quic.sslEngine().getApplicationProtocol();
            log.debug("QUIC connection from {} speaks {}", quic.remoteSocketAddress(), alpn);
            if (WebTransportConnection.ALPN.equals(alpn)) {
                p.addLast(WebTransportConnection.handlers(kymux, quic));
            } else {
                p.addLast(new QuicViewerConnection(kymux, quic));
            }
            p.remove(me);
            if (quic.isActive()) {
                p.fireChannelActive(); // it went by before the protocol was known
            }
            if (me.datagramEvent != null) {
                p.fireUserEventTriggered(me.datagramEvent);
            }
        }
    }

    static QuicCongestionControlAlgorithm congestion(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cubic" -> QuicCongestionControlAlgorithm.CUBIC;
            case "bbr" -> QuicCongestionControlAlgorithm.BBR;
            case "reno" -> QuicCongestionControlAlgorithm.RENO;
            default -> throw new IllegalArgumentException("congestion control must be cubic, bbr or reno, got " + name);
        };
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Tells every viewer the server is going (a CONNECTION_CLOSE, so it reconnects now
     * instead of at its idle timeout), then closes the port.
     */
    @Override
    public void close() {
        for (Channel c : connections) {
            ((QuicChannel) c).close(true, 0, io.netty.buffer.Unpooled.copiedBuffer("server shutting down",
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        connections.newCloseFuture().awaitUninterruptibly(500);
        channel.close().syncUninterruptibly();
    }
}
