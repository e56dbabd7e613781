package io.kymux.server.ts;

import io.kymux.core.session.DeliveryEstimate;
import io.kymux.core.session.InFlight;
import io.kymux.core.ts.TsFeed;
import io.kymux.core.ts.TsSink;
import io.kymux.core.ts.TsUnit;
import io.kymux.core.ts.ThinLink;
import io.kymux.core.ts.TsViewerQueue;
import io.kymux.server.Kymux;
import io.kymux.server.StreamFollower;
import io.kymux.server.ws.ControlFrames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A jsmpeg-style viewer at {@code ws://host/ts/{stream-or-feed}}: the TS packets of the
 * stream's TS feeds go out as binary messages, feeds interleaved as they arrive (vw's
 * behaviour), through one {@link TsViewerQueue} per feed: an access unit that cannot
 * leave within the latency budget is dropped whole and the viewer resumes at the next
 * random-access point, as every other session does. Netty's outbound buffer is kept small
 * ({@link #WATER_MARK}) so the backlog waits in the queue, where the policy sees it, and so
 * is the kernel's: the socket's send buffer holds about one latency budget of the stream
 * ({@link #sendBufferFor}), since a TS viewer has no acks to tell how much of it is still
 * unsent. Left to autotuning, a thin viewer's send buffer held seconds of the stream.
 * What is in flight is learnt from WebSocket pings written behind the data: browsers answer
 * them by themselves, and a pong is an ack of everything written before its ping, so the
 * viewer's link is estimated as an acking viewer's is ({@link InFlight}) and a unit it
 * would bring past the budget is dropped as a late one is.
 */
public final class TsViewerHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements TsSink, StreamFollower {

    /** Bytes in Netty's outbound buffer before the queue holds the rest. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** A feed's queue bound per viewer: about four seconds of a 4 Mb/s stream. */
    static final long MAX_QUEUE_BYTES = 2L * 1024 * 1024;
    /** Bounds of the socket send buffer the budget sizes. */
    static final int MIN_SEND_BUFFER = 16 * 1024;
    static final int MAX_SEND_BUFFER = 1024 * 1024;
    private static final long RESIZE_EVERY_US = 1_000_000;
    /** Pings at most this often: a pong acknowledges every write before its ping. */
    static final long PING_EVERY_US = 25_000;
    private static final Logger log = LoggerFactory.getLogger(TsViewerHandler.class);

    private final Kymux kymux;
    private final WebSocketServerHandshaker handshaker;
    private final Channel channel;
    private final String target;
    /** Guarded by this: offered on the producers' threads, polled on the channel's loop. */
    private final Map<TsFeed, TsViewerQueue> queues = new LinkedHashMap<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private long messagesSent;
    /** On the channel's loop only: what was written and what the pongs acknowledged. */
    private final InFlight inFlight;
    private long writes;
    private long pingedUpTo = -1;
    private long pingedAtUs = Long.MIN_VALUE / 2;
    private int sendBuffer;
    private long sizedAtUs = Long.MIN_VALUE / 2;
    private double streamBitsPerSecond;
    private final ThinLink thinLink;

    public TsViewerHandler(Kymux kymux, WebSocketServerHandshaker handshaker, Channel channel, String target) {
        this.kymux = kymux;
        this.handshaker = handshaker;
        this.channel = channel;
        this.target = target;
        this.inFlight = new InFlight(kymux.config().queueLimits().latencyBudgetUs() / 3);
        this.thinLink = new ThinLink(kymux.config().queueLimits().latencyBudgetUs());
    }

    /** Called once the handshake response is written. */
    public void start() {
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        kymux.follow(this);
        streamChanged(kymux.feedNames(target));
        log.info("TS viewer of {} from {}", target, channel.remoteAddress());
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public void streamChanged(List<String> feeds) {
        List<TsFeed> wanted = feeds.stream().map(n -> kymux.tsFeeds().getOrCreate(n)).flatMap(java.util.Optional::stream)
                .toList();
        List<TsFeed> gone = new ArrayList<>();
        List<TsFeed> added = new ArrayList<>();
        synchronized (this) {
            for (TsFeed f : List.copyOf(queues.keySet())) {
                if (!wanted.contains(f)) {
                    gone.add(f);
                }
            }
            for (TsFeed f : wanted) {
                if (channel.isActive() && !queues.containsKey(f)) {
                    queues.put(f, newQueue());
                    added.add(f);
                }
            }
        }
        // outside this lock: a feed calls onTs under its own lock, which takes this one
        for (TsFeed f : gone) {
            f.unsubscribe(this);
            synchronized (this) {
                TsViewerQueue q = queues.remove(f);
                if (q != null) {
                    q.clear();
                }
            }
        }
        added.forEach(f -> f.subscribe(this));
    }

    private TsViewerQueue newQueue() {
        return new TsViewerQueue(kymux.config().queueLimits().latencyBudgetUs(), MAX_QUEUE_BYTES);
    }

    @Override
    public void onTs(TsFeed feed, TsUnit unit) {
        synchronized (this) {
            TsViewerQueue q = queues.get(feed);
            if (q == null || !channel.isActive()) {
                unit.packets().release();
                return;
            }
            q.offer(unit);
        }
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::drain);
        }
    }

    /**
     * The value to set as the socket send buffer for a viewer of streams at
     * {@code bitsPerSecond}: Linux doubles it, so the kernel holds one latency budget of the
     * stream (within the bounds), unsent and in flight together. A path whose round trip is
     * well under the budget keeps its rate; a longer one is held to what fits, as it would
     * fall behind the budget anyway.
     */
    static int sendBufferFor(double bitsPerSecond, long budgetUs) {
        double bytes = bitsPerSecond / 8 * budgetUs / 1e6;
        return (int) Math.max(MIN_SEND_BUFFER, Math.min(MAX_SEND_BUFFER, bytes)) / 2;
    }

    private void sizeSendBuffer(long now) {
        if (now - sizedAtUs < RESIZE_EVERY_US) {
            return;
        }
        sizedAtUs = now;
        List<TsFeed> feeds;
        synchronized (this) {
            feeds = List.copyOf(queues.keySet());
        }
        // outside this lock: a feed's stats take its lock, and a feed calls onTs holding it
        double bps = feeds.stream().mapToDouble(f -> f.stats().bitrateBps()).sum();
        streamBitsPerSecond = bps;
        int wanted = sendBufferFor(bps, kymux.config().queueLimits().latencyBudgetUs());
        if (Math.abs(wanted - sendBuffer) > sendBuffer / 4) {
            sendBuffer = wanted;
            channel.config().setOption(io.netty.channel.ChannelOption.SO_SNDBUF, wanted);
        }
    }

    /** Writes what the queues hand out while the channel takes it; on the channel's loop. */
    private void drain() {
        drainScheduled.set(false);
        long now = kymux.nowUs();
        sizeSendBuffer(now);
        // only a link that shows itself thinner than the stream is paced by its estimate: a TS
        // viewer cannot be sent a keyframe on request, so every false alarm costs it up to a GOP
        boolean thin = thinLink.update(inFlight.acking() ? inFlight.rateBytesPerSecond() : -1, streamBitsPerSecond,
                inFlight.oldestAgeUs(now));
        DeliveryEstimate link = thin ? inFlight : TsViewerQueue.IMMEDIATE;
        while (channel.isWritable() && (!thin || inFlight.mayWrite(now))) {
            boolean any = false;
            synchronized (this) {
                for (TsViewerQueue q : queues.values()) {
                    TsUnit u = q.poll(now, link);
                    if (u != null) {
                        any = true;
                        messagesSent++;
                        inFlight.sent(0, writes++, u.bytes(), now);
                        channel.write(new BinaryWebSocketFrame(u.packets()), channel.voidPromise());
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        // a held write must be pinged at once: its ack is what lets the next one go
        if (writes - 1 > pingedUpTo && (now - pingedAtUs >= PING_EVERY_US || !inFlight.mayWrite(now))) {
            // behind what was just written: its pong says the viewer has read all of it
            pingedUpTo = writes - 1;
            pingedAtUs = now;
            channel.write(new PingWebSocketFrame(Unpooled.copyLong(pingedUpTo)), channel.voidPromise());
        }
        channel.flush();
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
        if (frame instanceof PongWebSocketFrame pong) {
            if (pong.content().readableBytes() == Long.BYTES) {
                long upTo = pong.content().getLong(pong.content().readerIndex());
                if (upTo >= 0 && upTo < writes) {
                    inFlight.ack(0, upTo, kymux.nowUs());
                }
                drain(); // the estimate moved: queued units may go now, or be found late
            }
            return;
        }
        ControlFrames.answer(ctx, frame, handshaker); // viewers have nothing else to say
    }

    /** Per feed: access units sent and dropped, for the API. */
    public synchronized Map<String, TsViewerQueue.Stats> stats() {
        Map<String, TsViewerQueue.Stats> out = new LinkedHashMap<>();
        queues.forEach((f, q) -> out.put(f.name(), q.stats()));
        return out;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        kymux.unfollow(this);
        List<TsFeed> feeds;
        synchronized (this) {
            feeds = List.copyOf(queues.keySet());
        }
        feeds.forEach(f -> f.unsubscribe(this));
        String summary;
        synchronized (this) {
            summary = stats().toString();
            queues.values().forEach(TsViewerQueue::clear);
            queues.clear();
        }
        log.info("TS viewer of {} closed: {} messages sent; {}", target, messagesSent, summary);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("TS viewer of {} failed: {}", target, cause.toString());
        ctx.close();
    }
}
