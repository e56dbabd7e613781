package io.kymux.app;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
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

    private volatile String closeReason = "connection closed";
    private volatile int upgradeStatus; // the server's answer to a refused upgrade, 0 if none

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
                                                keyframeRequested();
                                            } else if (f instanceof TextWebSocketFrame t
                                                    && io.kymux.core.packet.BackChannel.bitrateRequested(t.text()) > 0) {
                                                bitrateRequested(io.kymux.core.packet.BackChannel.bitrateRequested(t.text()));
                                            } else if (f instanceof CloseWebSocketFrame c) {
                                                closeReason = c.statusCode() + " " + c.reasonText();
                                            }
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            if (cause instanceof WebSocketClientHandshakeException h && h.response() != null) {
                                                upgradeStatus = h.response().status().code();
                                            }
                                            ctx.fireExceptionCaught(cause);
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
            int status = upgradeStatus;
            String why = "WebSocket upgrade to " + target + " failed"
                    + (status != 0 ? ": the server answered " + status : failure() != null ? ": " + failure() : "");
            throw UploadRefused.permanent(status) ? new UploadRefused(why) : new IllegalStateException(why);
        }
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
