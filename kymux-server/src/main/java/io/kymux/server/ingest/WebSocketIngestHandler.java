package io.kymux.server.ingest;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.PacketStreamException;
import io.kymux.core.packet.StreamHeader;
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
import java.util.ArrayList;
import java.util.List;
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
    static final String KEYFRAME_REQUEST = "{\"type\":\"keyframe\"}";

    private final Kymux kymux;
    private final Feed feed;
    private final WebSocketServerHandshaker handshaker;
    private final PacketStreamDecoder decoder;
    private final List<PacketStreamEvent> events = new ArrayList<>();
    private boolean ended;

    public WebSocketIngestHandler(Kymux kymux, Feed feed, WebSocketServerHandshaker handshaker, Channel ch) {
        this.kymux = kymux;
        this.feed = feed;
        this.handshaker = handshaker;
        this.decoder = new PacketStreamDecoder(ch.alloc(), kymux.config().maxPacketSize());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (ControlFrames.answer(ctx, frame, handshaker)) {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame && !ended) {
            try {
                decoder.decode(frame.content(), events);
                deliver(ctx.channel());
            } catch (PacketStreamException e) {
                events.stream().filter(MediaPacket.class::isInstance).forEach(p -> ((MediaPacket) p).release());
                events.clear();
                kymux.metrics().ingestError(e.reason().name().toLowerCase());
                log.warn("ingest {} rejected: {}", feed.name(), e.getMessage());
                end();
                String reason = "bad packet stream: " + e.getMessage();
                handshaker.close(ctx.channel(), new CloseWebSocketFrame(1007,
                        reason.length() > 120 ? reason.substring(0, 120) : reason));
            }
        }
    }

    private void deliver(Channel ch) {
        long now = kymux.nowUs();
        for (PacketStreamEvent ev : events) {
            if (ev instanceof StreamHeader h) {
                feed.open(h);
                feed.setKeyframeRequester(() -> ch.writeAndFlush(new TextWebSocketFrame(KEYFRAME_REQUEST)));
            } else if (ev instanceof MediaPacket p) {
                kymux.metrics().frameIn();
                feed.publish(p, now);
            }
        }
        events.clear();
    }

    private void end() {
        if (!ended) {
            ended = true;
            decoder.close();
            feed.close();
            kymux.releaseProducer(feed.name());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("ingest {} failed: {}", feed.name(), cause.toString());
        end();
        ctx.close();
    }
}
