package io.kymux.server.ingest;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.PacketStreamException;
import io.kymux.server.Kymux;
import io.kymux.server.ws.ControlFrames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ingest/{feed}} with a WebSocket upgrade: the producer sends the packet stream
 * in binary messages (split anywhere), and the server can talk back: a text message
 * {@code {"type":"keyframe"}} asks for a keyframe (docs/protocol/packet-stream.md).
 * A malformed stream closes this connection with status 1007 and the decoder's message.
 */
public final class WebSocketIngestHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger log = LoggerFactory.getLogger(WebSocketIngestHandler.class);

    private final WebSocketServerHandshaker handshaker;
    private final FeedIngest ingest;

    public WebSocketIngestHandler(Kymux kymux, Feed feed, WebSocketServerHandshaker handshaker, Channel ch) {
        this.handshaker = handshaker;
        this.ingest = new FeedIngest(kymux, feed, ch.alloc(), () -> ch.writeAndFlush(new TextWebSocketFrame(io.kymux.core.packet.BackChannel.KEYFRAME_REQUEST)));
        ingest.askBitrateWith(bps -> ch.writeAndFlush(new TextWebSocketFrame(io.kymux.core.packet.BackChannel.bitrateRequest(bps))));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (ControlFrames.answer(ctx, frame, handshaker)) {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            try {
                ingest.accept(frame.content());
            } catch (PacketStreamException e) {
                log.warn("ingest {} rejected: {}", ingest.feed().name(), e.getMessage());
                String reason = "bad packet stream: " + e.getMessage();
                handshaker.close(ctx.channel(), new CloseWebSocketFrame(1007,
                        reason.length() > 120 ? reason.substring(0, 120) : reason));
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ingest.end();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        io.kymux.server.ConnectionEnd.log(log, "ingest " + ingest.feed().name(), cause);
        ingest.end();
        ctx.close();
    }
}
