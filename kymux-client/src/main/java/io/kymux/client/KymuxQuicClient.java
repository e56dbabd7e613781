package io.kymux.client;

import io.kymux.core.input.InputEvent;
import io.kymux.core.input.InputEventCodec;
import io.kymux.core.loop.WakeTimer;
import io.kymux.core.media.MediaKind;
import io.kymux.core.media.RealtimeClock;
import io.kymux.core.quic.ClientMedia;
import io.kymux.core.quic.ControlCodec;
import io.kymux.core.quic.ControlMessage;
import io.kymux.core.tls.PinnedTrustManager;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A kymux/1 client over one QUIC connection (docs/protocol/kymux-quic.md): pins the
 * server certificate by fingerprint, says hello on the control stream, reassembles media
 * datagrams through {@link ClientMedia} (skip to keyframe on video loss, asking the
 * server for one), reports stats every second and sends input on a second stream.
 */
public final class KymuxQuicClient implements AutoCloseable {

    /** Socket receive buffer asked of the kernel (it caps it at net.core.rmem_max). */
    static final int UDP_RECEIVE_BUFFER = 4 << 20;

    /**
     * How long a track may receive nothing before its incomplete frame is given up (a
     * loss followed by later frames is seen sooner). A cold server sending its first
     * keyframe to 20 viewers stalled the datagram after it 80–180 ms on this VM.
     */
    static final long STALL_US = 300_000;
    static final long KEYFRAME_RETRY_US = 300_000;

    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final ClientListener listener;
    private final LongSupplier clock;
    private final List<ClientMedia.Event> events = new ArrayList<>();
    private final List<ControlMessage> inbox = new ArrayList<>();
    private ClientMedia media;
    private Channel udp;
    private QuicChannel quic;
    private QuicStreamChannel control;
    private ControlCodec controlCodec;
    /** The input stream, opened on the first event; events queue behind its opening in order. */
    private io.netty.util.concurrent.Future<QuicStreamChannel> input;
    /** Wakes {@link ClientMedia} at its next deadline (reassembly give-up, keyframe retry). */
    private WakeTimer timer;
    private ScheduledFuture<?> stats;
    private volatile long lastLatencyUs;
    private volatile ControlMessage.Welcome welcome;
    private volatile String closeReason;
    private volatile int refusal;
    /** Input events handed to {@link #send} and not yet written to the input stream (or failed). */
    private final java.util.concurrent.atomic.AtomicInteger inputPending = new java.util.concurrent.atomic.AtomicInteger();

    public KymuxQuicClient(ClientListener listener) {
        this(listener, RealtimeClock::nowUs);
    }

    public KymuxQuicClient(ClientListener listener, LongSupplier clock) {
        this(listener, clock, null);
    }

    /** {@code shared}: an event loop group many clients use (a load generator); null for one of its own. */
    public KymuxQuicClient(ClientListener listener, LongSupplier clock, EventLoopGroup shared) {
        this.listener = listener;
        this.clock = clock;
        this.ownGroup = shared == null;
        this.group = shared != null ? shared : new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    /** Seconds without a packet from the server before the connection counts as lost. */
    public static final int IDLE_TIMEOUT_S = 5;

    /**
     * Connects to {@code quic://host:port/stream} and says hello; returns once the server
     * welcomed us. Fails if the certificate is not the pinned one, or the server refuses.
     */
    public KymuxQuicClient connect(URI url, String fingerprint, String token, int fecGroup, long timeoutMs)
            throws InterruptedException, TimeoutException {
        if (!"quic".equals(url.getScheme()) || url.getHost() == null || url.getPort() <= 0) {
            throw new IllegalArgumentException("expected quic://host:port/stream, got " + url);
        }
        String stream = url.getPath() == null || url.getPath().length() <= 1 ? "" : url.getPath().substring(1);
        QuicSslContext tls = QuicSslContextBuilder.forClient().trustManager(new PinnedTrustManager(fingerprint))
                .applicationProtocols(ControlMessage.ALPN).build();
        udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                // a keyframe arrives as a burst of datagrams: the kernel's default 208 KiB
                // overflowed (RcvbufErrors) while the event loop was busy (capped at rmem_max)
                .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                // we send stats every second and the server answers them: 5 s without a packet
                // is a server gone without a word (crashed, unplugged), and we reconnect
                .handler(new QuicClientCodecBuilder().sslContext(tls).maxIdleTimeout(IDLE_TIMEOUT_S, TimeUnit.SECONDS)
                        .initialMaxData(64L << 20).initialMaxStreamDataBidirectionalLocal(1L << 20)
                        .initialMaxStreamDataBidirectionalRemote(16L << 20).initialMaxStreamsBidirectional(0)
                        .datagram(4096, 256).build())
                .bind(0).sync().channel();
        try {
            quic = QuicChannel.newBootstrap(udp).handler(new DatagramReader())
                    .remoteAddress(new InetSocketAddress(url.getHost(), url.getPort()))
                    .connect().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            // closed before the handshake: an ICMP port-unreachable, nothing listens on that UDP port
            String why = root(e) instanceof java.nio.channels.ClosedChannelException
                    ? "the connection closed before its handshake (no QUIC listener on that UDP port?)" : rootMessage(e);
            throw new ConnectFailed(ConnectFailed.classify(e), 0, "cannot connect to " + url + ": " + why, e);
        } catch (TimeoutException e) {
            close();
            throw new ConnectFailed(ConnectFailed.Kind.UNREACHABLE, 0, "cannot connect to " + url + ": no answer within "
                    + timeoutMs + " ms", e);
        }
        media = new ClientMedia(quic.alloc(), STALL_US, KEYFRAME_RETRY_US);
        timer = new WakeTimer(WakeTimer.on(quic.eventLoop()), this::onTimer);
        // the timer is loop-only and close() may run anywhere, even twice: the channel's own
        // close, on its loop, cancels it
        quic.closeFuture().addListener(f -> timer.cancel());
        try {
            control = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ControlReader()).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new ConnectFailed(ConnectFailed.Kind.UNREACHABLE, 0, "cannot open the control stream: " + rootMessage(e), e);
        }
        controlCodec = new ControlCodec(control.alloc());
        control.writeAndFlush(ControlCodec.encode(new ControlMessage.Hello(1, stream, token == null ? "" : token, fecGroup),
                control.alloc()));
        stats = quic.eventLoop().scheduleAtFixedRate(this::sendStats, 200, 1000, TimeUnit.MILLISECONDS);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (welcome == null && quic.isActive() && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        if (welcome == null) {
            String why = closeReason != null ? closeReason : quic.isActive() ? "no answer to hello" : "connection closed";
            close();
            int code = refusal;
            throw new ConnectFailed(code != 0 ? ConnectFailed.Kind.REFUSED : ConnectFailed.Kind.UNREACHABLE, code,
                    "server refused: " + why, null);
        }
        return this;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = root(t);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Throwable root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    public ControlMessage.Welcome welcome() {
        return welcome;
    }

    /** Sends one input event on the input stream (opened on first use). Any thread. */
    public void send(InputEvent e) {
        inputPending.incrementAndGet();
        quic.eventLoop().execute(() -> {
            if (input == null) {
                input = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                });
            }
            // listeners run in the order added, so events keep their order while the stream opens
            input.addListener(f -> {
                if (f.isSuccess()) {
                    QuicStreamChannel s = input.getNow();
                    ByteBuf b = s.alloc().buffer(32);
                    b.writeShort(0);
                    InputEventCodec.encode(e, b);
                    b.setShort(0, b.readableBytes() - 2);
                    s.writeAndFlush(b).addListener(w -> inputPending.decrementAndGet());
                } else {
                    inputPending.decrementAndGet();
                }
            });
        });
    }

    /** Waits until every event given to {@link #send} was written (or failed), at most {@code timeoutMs}; true if so. */
    public boolean drainInput(long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (inputPending.get() > 0 && isActive() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return inputPending.get() == 0;
    }

    /** Counters of the receiving side (any thread; a snapshot taken on the loop). */
    public ClientMedia.Stats stats() {
        try {
            return quic.eventLoop().submit(() -> media.stats()).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isActive() {
        return quic != null && quic.isActive();
    }

    private void onControl(ByteBuf b) {
        try {
            controlCodec.decode(b, inbox);
        } catch (IllegalArgumentException e) {
            closeReason = "bad control message from the server: " + e.getMessage();
            quic.close();
            return;
        }
        for (ControlMessage m : inbox) {
            if (m instanceof ControlMessage.Welcome w) {
                welcome = w;
                listener.welcome(w);
            } else if (m instanceof ControlMessage.Track t) {
                media.track(t.track(), t.info().kind() == MediaKind.VIDEO);
                listener.track(t);
            } else if (m instanceof ControlMessage.Config c) {
                listener.config(c);
            } else if (m instanceof ControlMessage.TrackState s) {
                listener.trackState(s);
            } else if (m instanceof ControlMessage.Error e) {
                closeReason = e.code() + " " + e.message();
                if (welcome == null) {
                    refusal = e.code();
                }
                listener.error(e);
            }
        }
        inbox.clear();
    }

    private void onDatagram(ByteBuf d) {
        media.onDatagram(d, clock.getAsLong(), events);
        dispatch();
    }

    private void onTimer() {
        media.poll(clock.getAsLong(), events);
        dispatch();
    }

    private void dispatch() {
        for (ClientMedia.Event e : events) {
            if (e instanceof ClientMedia.Event.Deliver d) {
                lastLatencyUs = clock.getAsLong() - d.ptsUs();
                listener.frame(d.track(), d.ptsUs(), d.key(), d.payload());
            } else if (e instanceof ClientMedia.Event.RequestKeyframe k && control.isActive()) {
                control.write(ControlCodec.encode(new ControlMessage.KeyframeRequest(k.track()), control.alloc()));
            }
        }
        if (!events.isEmpty()) {
            control.flush();
        }
        events.clear();
        timer.wakeAt(media.nextWakeUs(), clock.getAsLong());
    }

    private void sendStats() {
        quic.collectPathStats(0).addListener(f -> {
            long rttUs = f.isSuccess() ? TimeUnit.NANOSECONDS.toMicros(((QuicConnectionPathStats) f.getNow()).rtt()) : 0;
            if (rttUs > 0) {
                media.pathRtt(rttUs);
            }
            ClientMedia.Stats s = media.stats();
            if (control.isActive()) {
                control.writeAndFlush(ControlCodec.encode(new ControlMessage.Stats(rttUs, s.delivered(), s.lost(),
                        s.skipped(), s.recovered(), s.jitterUs(), s.keyframeRequests(), lastLatencyUs), control.alloc()));
            }
        });
    }

    @Override
    public void close() {
        if (stats != null) {
            stats.cancel(false);
        }
        if (quic != null) {
            quic.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (udp != null) {
            udp.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** Datagrams arrive on the QUIC channel itself. */
    private final class DatagramReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf b)) {
                ctx.fireChannelRead(msg); // streams the server opens (none in kymux/1) go their way
                return;
            }
            try {
                if (media != null) {
                    onDatagram(b);
                }
            } finally {
                b.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (media != null) {
                media.close();
            }
            if (controlCodec != null) {
                controlCodec.close();
            }
            listener.closed(closeReason != null ? closeReason : "connection closed");
            ctx.fireChannelInactive();
        }
    }

    private final class ControlReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf b) {
                    onControl(b);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
