package io.kymux.server.ws;

import io.kymux.core.browser.BrowserMessage;
import io.kymux.core.feed.Feed;
import io.kymux.core.session.QueueItem;
import io.kymux.core.session.Session;
import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.server.Kymux;
import io.kymux.server.ViewerReports;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket viewer: the Netty edge of a {@link Session}. Frames reach the session's
 * bounded queue from the producer thread; this handler drains it on the channel's event
 * loop only while the channel is writable, so a slow viewer's backlog stays in the queue
 * (where the drop policy applies) instead of growing Netty's outbound buffer.
 */
public final class WebSocketSessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger log = LoggerFactory.getLogger(WebSocketSessionHandler.class);

    private final Kymux kymux;
    private final WebSocketServerHandshaker handshaker;
    private final Session session;
    private final Channel channel;
    /** The viewer said in its URL ({@code ?ack=1}) that it acknowledges frames. */
    private final boolean acks;

    public WebSocketSessionHandler(Kymux kymux, WebSocketServerHandshaker handshaker, Channel channel, String name,
                                   List<Feed> feeds, boolean acks) {
        this.kymux = kymux;
        this.acks = acks;
        this.handshaker = handshaker;
        this.channel = channel;
        this.session = new Session(kymux.nextSessionId(), name, feeds, kymux.config().queueLimits(),
                () -> channel.eventLoop().execute(this::drain)).adaptWith(kymux.feeds()::renditionsOf);
    }

    public Session session() {
        return session;
    }

    /** Called once the handshake response is written. */
    public void start() {
        kymux.register(session);
        channel.writeAndFlush(new TextWebSocketFrame(
                ControlMessages.hello(session, kymux.config().queueLimits().latencyBudgetUs())));
        if (acks) {
            // paced from the first frame, the cached GOP included (an ack of nothing)
            session.ack(-1, -1, kymux.nowUs());
        }
        session.start(kymux.nowUs());
        log.info("session {} watching {} from {}", session.id(), session.target(), channel.remoteAddress());
    }

    private void drain() {
        boolean wrote = false;
        long now = kymux.nowUs(); // one reading per pass: a pass takes microseconds
        while (channel.isActive() && channel.isWritable() && session.mayWrite(now)) {
            QueueItem item = session.poll(now);
            if (item == null) {
                break;
            }
            wrote = true;
            if (item instanceof QueueItem.Control c) {
                channel.write(new TextWebSocketFrame(ControlMessages.event(c.event())));
            } else if (item instanceof QueueItem.Media m) {
                try {
                    kymux.metrics().frameOut(m.frame().size());
                    channel.write(new BinaryWebSocketFrame(BrowserMessage.encode(m, channel.alloc())));
                    if (!m.frame().config()) {
                        session.sent(m, now);
                    }
                } finally {
                    m.frame().release();
                }
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (ControlFrames.answer(ctx, frame, handshaker)) {
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            try {
                JsonNode msg = ViewerReports.parse(text.text());
                if ("ack".equals(msg.path("type").asText())) {
                    session.ack(msg.path("track").asInt(-1), msg.path("seq").asLong(-1), kymux.nowUs());
                    drain(); // the viewer caught up: frames held back may go now
                } else {
                    kymux.viewerReports().accept(session.id(), msg);
                }
            } catch (IllegalArgumentException e) {
                // a bad report costs the viewer its statistics, not its picture
                kymux.metrics().badViewerMessage();
                log.debug("session {}: ignored message: {}", session.id(), e.getMessage());
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.close();
        kymux.unregister(session);
        log.info("session {} closed: {}", session.id(), session.stats());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        io.kymux.server.ConnectionEnd.log(log, "session " + session.id(), cause);
        ctx.close();
    }
}
