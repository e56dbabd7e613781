package io.kymux.server.destination;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.kymux.server.tls.ClientTls;
import java.net.URI;
import java.util.function.Supplier;

/**
 * Opens outgoing WebSocket connections (ws:// and wss://, the latter verified by
 * {@link ClientTls}: the JDK's trusted CAs, or a pinned fingerprint) on a given event loop.
 */
final class WebSocketConnector {

    static final int CONNECT_TIMEOUT_MS = 5000;
    static final int MAX_INCOMING_FRAME = 16 * 1024;

    private WebSocketConnector() {
    }

    /** Connects; {@code handler} sees the handshake as a user event and everything after it. */
    static ChannelFuture connect(URI url, String fingerprint, EventLoop loop, Supplier<ChannelHandler> handler) {
        boolean secure = ClientTls.secure(url);
        int port = ClientTls.port(url);
        WebSocketClientProtocolConfig cfg = WebSocketClientProtocolConfig.newBuilder().webSocketUri(url)
                .handshakeTimeoutMillis(CONNECT_TIMEOUT_MS).maxFramePayloadLength(MAX_INCOMING_FRAME)
                .forceCloseTimeoutMillis(2000).build();
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                // backlog waits in the destination's queue, where stale frames are dropped
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (secure) {
                            ch.pipeline().addLast(ClientTls.handler(ch.alloc(), url, fingerprint));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_INCOMING_FRAME),
                                new WebSocketClientProtocolHandler(cfg), handler.get());
                    }
                })
                .connect(url.getHost(), port);
    }

    /** Whether a user event says the WebSocket upgrade finished. */
    static boolean isHandshakeComplete(Object event) {
        return event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE;
    }

    static boolean isHandshakeTimeout(Object event) {
        return event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT;
    }
}
