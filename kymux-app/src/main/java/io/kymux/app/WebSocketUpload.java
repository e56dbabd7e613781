package io.kymux.app;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Sends a packet stream to {@code ws://host:port/ingest/{feed}}, one binary message per
 * packet, and listens for the server's keyframe requests ({@code {"type":"keyframe"}}):
 * the bidirectional ingest.
 */
public final class WebSocketUpload extends StreamingUpload {

    private volatile Runnable onKeyframeRequest = () -> { };
    private volatile String closeReason = "connection closed";

    public WebSocketUpload(URI target) {
        this(target, null);
    }

    /** {@code fingerprint}: for {@code wss://}, the SHA-256 of the server's certificate to pin; null trusts the JDK's CAs. */
    public WebSocketUpload(URI target, String fingerprint) {
        WebSocketClientProtocolConfig cfg = WebSocketClientProtocolConfig.newBuilder().webSocketUri(target)
                .handshakeTimeoutMillis(10_000).build();
        WebSocketClientProtocolHandler protocol = new WebSocketClientProtocolHandler(cfg);
        Channel channel = connect(target, fingerprint, pipeline -> pipeline.addLast(
                                    new HttpClientCodec(), new HttpObjectAggregator(64 * 1024), protocol,
                                    new SimpleChannelInboundHandler<WebSocketFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                                            if (f instanceof TextWebSocketFrame t && io.kymux.core.packet.BackChannel.isKeyframeRequest(t.text())) {
                                                onKeyframeRequest.run();
                                            } else if (f instanceof CloseWebSocketFrame c) {
                                                closeReason = c.statusCode() + " " + c.reasonText();
                                            }
                                        }
                                    }));
        // media may only go once the upgrade completed
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!protocol.handshaker().isHandshakeComplete() && channel.isActive() && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!protocol.handshaker().isHandshakeComplete()) {
            shutdown();
            throw new IllegalStateException("WebSocket upgrade to " + target + " failed");
        }
    }

    /** What to do when the server asks for a keyframe (e.g. {@code capture::requestKeyframe}). */
    public WebSocketUpload onKeyframeRequest(Runnable r) {
        onKeyframeRequest = r;
        return this;
    }

    @Override
    protected Object wrap(ByteBuf chunk) {
        return new BinaryWebSocketFrame(chunk);
    }

    @Override
    protected String closedReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (channel().isActive()) {
            channel().writeAndFlush(new CloseWebSocketFrame(1000, "end of stream"));
        }
        shutdown();
    }
}
