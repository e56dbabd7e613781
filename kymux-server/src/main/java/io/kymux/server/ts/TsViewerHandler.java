package io.kymux.server.ts;

import io.kymux.core.ts.TsFeed;
import io.kymux.core.ts.TsSink;
import io.kymux.server.Kymux;
import io.kymux.server.StreamFollower;
import io.kymux.server.ws.ControlFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A jsmpeg-style viewer at {@code ws://host/ts/{stream-or-feed}}: every run of TS packets
 * from the stream's TS feeds goes out as one binary message, feeds interleaved as they
 * arrive (vw's behaviour). Bounded: the connection's write watermark is raised to
 * {@link #MAX_BACKLOG} (about a second of a jsmpeg stream; viewers' sessions keep the
 * server's small one) and while it is exceeded runs are dropped whole (counted) rather
 * than queued; jsmpeg resynchronises on the next ones.
 */
public final class TsViewerHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements TsSink, StreamFollower {

    static final long MAX_BACKLOG = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(TsViewerHandler.class);

    private final Kymux kymux;
    private final WebSocketServerHandshaker handshaker;
    private final Channel channel;
    private final String target;
    private final Set<TsFeed> subscribed = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public TsViewerHandler(Kymux kymux, WebSocketServerHandshaker handshaker, Channel channel, String target) {
        this.kymux = kymux;
        this.handshaker = handshaker;
        this.channel = channel;
        this.target = target;
    }

    /** Called once the handshake response is written. */
    public void start() {
        // TS has no deadline queue to hold a backlog: let Netty's buffer do it, bounded
        channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(
                (int) MAX_BACKLOG / 2, (int) MAX_BACKLOG));
        kymux.follow(this);
        streamChanged(kymux.feedNames(target));
        log.info("TS viewer of {} from {}", target, channel.remoteAddress());
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public synchronized void streamChanged(List<String> feeds) {
        List<TsFeed> wanted = feeds.stream().map(n -> kymux.tsFeeds().getOrCreate(n)).flatMap(java.util.Optional::stream)
                .toList();
        for (TsFeed f : subscribed) {
            if (!wanted.contains(f)) {
                f.unsubscribe(this);
                subscribed.remove(f);
            }
        }
        for (TsFeed f : wanted) {
            if (channel.isActive() && subscribed.add(f)) {
                f.subscribe(this);
            }
        }
    }

    @Override
    public void onTs(TsFeed feed, ByteBuf packets) {
        if (channel.isActive() && channel.isWritable()) {
            sent.incrementAndGet();
            channel.writeAndFlush(new BinaryWebSocketFrame(packets), channel.voidPromise());
        } else {
            dropped.incrementAndGet();
            packets.release();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        ControlFrames.answer(ctx, frame, handshaker); // viewers have nothing to say
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        kymux.unfollow(this);
        synchronized (this) {
            subscribed.forEach(f -> f.unsubscribe(this));
            subscribed.clear();
        }
        log.info("TS viewer of {} closed: {} runs sent, {} dropped", target, sent.get(), dropped.get());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("TS viewer of {} failed: {}", target, cause.toString());
        ctx.close();
    }
}
