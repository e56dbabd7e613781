package io.kymux.app.bench;

import io.kymux.core.browser.BrowserMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * One WebSocket viewer of the bench. A slow viewer reads a fixed slice of bytes every
 * {@link #READ_TICK_MS}, so TCP backpressure reaches the server as from a thin link; or,
 * when the kernel shapes its link, it connects from a given local port (which the shaping
 * matches) and reads at full speed.
 */
final class BenchViewer extends BenchClient {

    /** A slow viewer reads one slice every this often. */
    static final long READ_TICK_MS = 5;
    private static final long READ_TICK_NS = READ_TICK_MS * 1_000_000;
    /** Slices a slow viewer may read at once after its event loop was busy. */
    private static final long MAX_BURST_TICKS = 2;

    final boolean slow;
    private volatile long lastSeq = -1;
    private volatile long gaps;
    private Channel channel;


    private final boolean ack;
    /** Set for a viewer of a TS relay: its messages are raw TS, not browser messages. */
    private final TsBenchParser ts;

    BenchViewer(boolean slow, Recorder latencyUs, AtomicLong recordFromUs, boolean ack) {
        this(slow, latencyUs, recordFromUs, ack, false);
    }

    BenchViewer(boolean slow, Recorder latencyUs, AtomicLong recordFromUs, boolean ack, boolean ts) {
        super(latencyUs, recordFromUs);
        this.slow = slow;
        this.ack = ack && !ts;
        this.ts = ts ? new TsBenchParser((sendUs, bytes) -> received(sendUs, bytes, false)) : null;
    }

    /**
     * Connects; a slow viewer reads {@code readBytesPerSecond}, or from {@code localPort} at
     * full speed when that is above 0.
     */
    void connect(EventLoopGroup group, URI ws, long readBytesPerSecond, int localPort) throws InterruptedException {
        WebSocketClientProtocolConfig cfg = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(ws).maxFramePayloadLength(32 * 1024 * 1024).build();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class);
        boolean throttled = slow && localPort <= 0;
        if (throttled) {
            // a thin link: a fixed slice of bytes per tick, so bytes trickle in at the link's
            // rate (a reader that takes what is there and then sleeps delivers in bursts)
            int slice = (int) Math.max(256, readBytesPerSecond * READ_TICK_MS / 1000);
            b.option(ChannelOption.SO_RCVBUF, 16 * 1024)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slice).maxMessagesPerRead(1));
        }
        if (localPort > 0) {
            // closed with a reset: no TIME_WAIT left on the port for the next run to trip over
            b.option(ChannelOption.SO_LINGER, 0);
        }
        channel = b
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (throttled) {
                            ch.pipeline().addLast(ticks);
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(cfg), new Reader());
                    }
                })
                .connect(new InetSocketAddress(ws.getHost(), ws.getPort()),
                        localPort > 0 ? new InetSocketAddress(localPort) : null)
                .sync().channel();
        if (throttled) {
            channel.eventLoop().scheduleAtFixedRate(ticks::tick, 0, READ_TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Lets a read reach the socket only on its tick: decoders waiting for the rest of a
     * message ask for reads too, which would drain the socket at full speed.
     */
    private static final class TickReads extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private long lastTickNs = System.nanoTime();
        private long creditNs;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            // swallowed: the tick reads
        }

        /**
         * Reads a slice per tick's worth of time that passed. A link does not save up: after
         * the event loop was busy, at most {@link #MAX_BURST_TICKS} owed slices are read at
         * once. Else the ticks a stall owes would read bytes written after it faster than the
         * link could have carried them; this way a busy viewer's link only ever runs slower.
         */
        void tick() {
            long now = System.nanoTime();
            creditNs = Math.min(creditNs + (now - lastTickNs), MAX_BURST_TICKS * READ_TICK_NS);
            lastTickNs = now;
            if (creditNs >= READ_TICK_NS) {
                creditNs -= READ_TICK_NS;
                ctx.read();
            }
        }
    }

    private final TickReads ticks = new TickReads();

    private final class Reader extends SimpleChannelInboundHandler<WebSocketFrame> {
        private int ackTrack;
        private long ackSeq = -1;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
            if (!(f instanceof BinaryWebSocketFrame)) {
                return;
            }
            ByteBuf b = f.content();
            if (ts != null) {
                ts.accept(b);
                return;
            }
            int flags = b.getUnsignedByte(b.readerIndex() + 1);
            if ((flags & BrowserMessage.FLAG_CONFIG) != 0) {
                return;
            }
            long seq = b.getUnsignedInt(b.readerIndex() + 2);
            long pts = b.getLong(b.readerIndex() + 6);
            if (lastSeq >= 0 && seq > lastSeq + 1) {
                gaps += seq - lastSeq - 1;
            }
            lastSeq = seq;
            received(pts, b.readableBytes(), (flags & BrowserMessage.FLAG_REPLAY) != 0);
            ackTrack = b.getUnsignedByte(b.readerIndex());
            ackSeq = seq;
        }

        /** One ack per batch of reads: it covers every frame before it. */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ack && ackSeq >= 0) {
                ctx.writeAndFlush(new TextWebSocketFrame(
                        "{\"type\":\"ack\",\"track\":" + ackTrack + ",\"seq\":" + ackSeq + "}"));
                ackSeq = -1;
            }
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    boolean slow() {
        return slow;
    }

    /** Frames skipped between received ones (dropped by the server for this viewer). */
    @Override
    long gaps() {
        return gaps; // a TS viewer's drops are counted from what was published (Bench.group)
    }

    @Override
    void close() {
        if (channel != null) {
            channel.close();
        }
    }
}
