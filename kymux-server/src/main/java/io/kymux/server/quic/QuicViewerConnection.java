package io.kymux.server.quic;

import io.kymux.core.feed.Feed;
import io.kymux.core.input.InputEvent;
import io.kymux.core.input.InputEventCodec;
import io.kymux.core.loop.WakeTimer;
import io.kymux.core.media.Frame;
import io.kymux.core.quic.ControlCodec;
import io.kymux.core.quic.ControlMessage;
import io.kymux.core.quic.DatagramPacer;
import io.kymux.core.quic.Fec;
import io.kymux.core.quic.Fragmenter;
import io.kymux.core.session.QueueItem;
import io.kymux.core.session.Session;
import io.kymux.core.session.SessionEvent;
import io.kymux.server.Kymux;
import io.kymux.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kymux/1 viewer: the Netty edge of a {@link Session} over one QUIC connection. The
 * first client stream is the control stream (hello, tracks, config, keyframe requests,
 * stats), the second carries input events; media goes out as datagrams, fragmented by
 * {@link Fragmenter} and paced by {@link DatagramPacer}. Everything runs on the
 * connection's event loop.
 */
final class QuicViewerConnection extends ChannelInboundHandlerAdapter {

    /** quiche's view of the path, bits per second, from the last path stats; -1 before them. */
    private volatile long linkBitsPerSecond = -1;
    private static final Logger log = LoggerFactory.getLogger(QuicViewerConnection.class);
    private static final AttributeKey<QuicViewerConnection> KEY = AttributeKey.valueOf("kymux.viewer");
    /** Until the peer says how large a datagram may be. */
    static final int DEFAULT_DATAGRAM = 1200;

    private final Kymux kymux;
    private final QuicChannel quic;
    private final Fragmenter fragmenter;
    private final DatagramPacer pacer = new DatagramPacer(20_000_000, 256 * 1024);
    private final List<ByteBuf> datagrams = new ArrayList<>();
    private final List<ControlMessage> inbox = new ArrayList<>();
    private QuicStreamChannel control;
    private ControlCodec controlCodec;
    private QuicStreamChannel input;
    private ByteBuf inputPending;
    private Session session;
    private boolean mayControl;
    private Fec fec = Fec.NONE;
    private int maxDatagram = DEFAULT_DATAGRAM;
    /** Drains again when the pacer allows; may be armed from inside the drain it runs. */
    private final WakeTimer pacedDrain;
    private ScheduledFuture<?> pathStats;
    private volatile ControlMessage.Stats lastStats;
    private long datagramsSent;

    QuicViewerConnection(Kymux kymux, QuicChannel quic) {
        this.kymux = kymux;
        this.quic = quic;
        this.pacedDrain = new WakeTimer(WakeTimer.on(quic.eventLoop()), this::drain);
        this.fragmenter = new Fragmenter(quic.alloc());
        quic.attr(KEY).set(this);
    }

    static QuicViewerConnection of(QuicChannel ch) {
        return Objects.requireNonNull(ch.attr(KEY).get(), "no kymux/1 connection state");
    }

    /** A stream the client opened: the first is control, the second input, others are refused. */
    void attach(QuicStreamChannel ch) {
        if (control == null) {
            control = ch;
            controlCodec = new ControlCodec(ch.alloc());
            ch.pipeline().addLast(new StreamReader(this::onControlBytes));
        } else if (input == null && session != null) {
            input = ch;
            ch.pipeline().addLast(new StreamReader(this::onInputBytes));
            if (!mayControl) {
                refuseInput();
            }
        } else {
            ch.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof QuicDatagramExtensionEvent d) {
            maxDatagram = Math.min(d.maxLength(), 1452);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pathStats = quic.eventLoop().scheduleAtFixedRate(this::updatePacer, 50, 100, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            b.release(); // datagrams from a viewer carry nothing in kymux/1
        } else {
            ctx.fireChannelRead(msg); // new streams travel this pipeline to be set up
        }
    }

    private void updatePacer() {
        quic.collectPathStats(0).addListener(f -> {
            if (f.isSuccess()) {
                var s = (io.netty.handler.codec.quic.QuicConnectionPathStats) f.getNow();
                long rttUs = Math.max(1, TimeUnit.NANOSECONDS.toMicros(s.rtt()));
                pacer.update(s.cwnd(), rttUs);
                // what quiche measures the path delivers, or its window per round trip if more
                linkBitsPerSecond = 8 * Math.max(s.deliveryRate(), s.cwnd() * 1_000_000 / rttUs);
            }
        });
    }

    private void onControlBytes(ByteBuf bytes) {
        try {
            controlCodec.decode(bytes, inbox);
            for (ControlMessage m : inbox) {
                handle(m);
            }
        } catch (IllegalArgumentException e) {
            fail(ControlMessage.Error.BAD_MESSAGE, "bad control message: " + e.getMessage());
        } finally {
            inbox.clear();
        }
    }

    private void handle(ControlMessage m) {
        if (m instanceof ControlMessage.Hello h) {
            hello(h);
        } else if (session == null) {
            fail(ControlMessage.Error.BAD_MESSAGE, "the first control message must be HELLO");
        } else if (m instanceof ControlMessage.KeyframeRequest k) {
            session.requestKeyframe(k.track(), kymux.nowUs());
        } else if (m instanceof ControlMessage.Stats s) {
            lastStats = s;
            kymux.viewerReports().accept(session.id(), QuicStatsReport.toJson(s));
        } else {
            fail(ControlMessage.Error.BAD_MESSAGE, "unexpected control message " + m.getClass().getSimpleName());
        }
    }

    private void hello(ControlMessage.Hello h) {
        if (session != null) {
            fail(ControlMessage.Error.BAD_MESSAGE, "HELLO sent twice");
            return;
        }
        if (h.version() != 1) {
            fail(ControlMessage.Error.BAD_MESSAGE, "unsupported kymux version " + h.version());
            return;
        }
        ServerConfig.AccessTokens access = kymux.config().access();
        boolean controller = access.controlToken() != null && access.controlToken().equals(h.token());
        if (access.viewToken() != null && !controller && !access.viewToken().equals(h.token())) {
            fail(ControlMessage.Error.FORBIDDEN, "a valid view or control token is required to watch");
            return;
        }
        String name = io.kymux.core.feed.StreamRegistry.normalize(h.stream());
        Optional<List<Feed>> feeds = kymux.resolve(name);
        if (feeds.isEmpty()) {
            fail(ControlMessage.Error.NO_SUCH_STREAM, "no stream or feed named " + name);
            return;
        }
        mayControl = controller;
        fec = h.fecGroup() == 0 ? Fec.NONE : new Fec(Math.max(2, Math.min(h.fecGroup(), 64)));
        session = new Session(kymux.nextSessionId(), name, feeds.get(), kymux.config().queueLimits(),
                () -> quic.eventLoop().execute(this::drain)).adaptWith(kymux.feeds()::renditionsOf)
                .estimateLinkWith(() -> linkBitsPerSecond).followRate(kymux.followsRate(java.util.Map.of(), controller));
        kymux.register(session);
        writeControl(new ControlMessage.Welcome(session.id(), controller, maxDatagram,
                Math.min(255, feeds.get().size())));
        control.flush();
        session.start(kymux.nowUs());
        log.info("kymux/1 session {} watching {} from {} (control {}, FEC group {})", session.id(), name,
                quic.remoteSocketAddress(), controller, fec.group());
    }

    private void drain() {
        if (session == null || !quic.isActive()) {
            return;
        }
        long now = kymux.nowUs();
        boolean wroteControl = false;
        boolean wroteMedia = false;
        while (true) {
            if (!pacer.ready(now)) {
                pacedDrain.wakeAt(pacer.readyAtUs(now), now);
                break;
            }
            QueueItem item = session.poll(now);
            if (item == null) {
                break;
            }
            if (item instanceof QueueItem.Control c) {
                writeControl(toMessage(c.event()));
                wroteControl = true;
            } else if (item instanceof QueueItem.Media m) {
                try {
                    Frame f = m.frame();
                    if (f.config()) {
                        writeControl(new ControlMessage.Config(m.track(), f.ptsUs(), ByteBufUtil.getBytes(f.payload())));
                        wroteControl = true;
                    } else {
                        sendFrame(m, now);
                        wroteMedia = true;
                    }
                } finally {
                    m.frame().release();
                }
            }
        }
        if (wroteControl) {
            control.flush();
        }
        if (wroteMedia) {
            quic.flush();
        }
    }

    private void sendFrame(QueueItem.Media m, long now) {
        Frame f = m.frame();
        fragmenter.fragment(m.track(), m.seq(), f.ptsUs(), f.key(), f.payload(), maxDatagram,
                m.video() ? fec : Fec.NONE, datagrams);
        long bytes = 0;
        for (ByteBuf d : datagrams) {
            bytes += d.readableBytes();
            quic.write(d);
        }
        datagramsSent += datagrams.size();
        datagrams.clear();
        pacer.sent(bytes, now);
        kymux.metrics().frameOut(f.size());
    }

    private static ControlMessage toMessage(SessionEvent e) {
        if (e instanceof SessionEvent.TrackChanged t) {
            return new ControlMessage.Track(t.track(), t.feed(), t.info());
        }
        if (e instanceof SessionEvent.Muted m) {
            return new ControlMessage.TrackState(m.track(), ControlMessage.TrackState.MUTED);
        }
        SessionEvent.SourceEnded s = (SessionEvent.SourceEnded) e;
        return new ControlMessage.TrackState(s.track(), ControlMessage.TrackState.ENDED);
    }

    private void writeControl(ControlMessage m) {
        if (control != null && control.isActive()) {
            control.write(ControlCodec.encode(m, control.alloc()));
        }
    }

    private void onInputBytes(ByteBuf bytes) {
        if (!mayControl) {
            return; // refused already; bytes still in flight are ignored
        }
        if (inputPending == null) {
            inputPending = input.alloc().buffer();
        }
        inputPending.writeBytes(bytes);
        try {
            while (inputPending.readableBytes() >= 2) {
                int len = inputPending.getUnsignedShort(inputPending.readerIndex());
                if (len == 0 || len > InputEventCodec.MAX_EVENT) {
                    throw new IllegalArgumentException("input event length " + len);
                }
                if (inputPending.readableBytes() < 2 + len) {
                    break;
                }
                inputPending.skipBytes(2);
                InputEvent e = InputEventCodec.decode(inputPending.readSlice(len));
                kymux.inputs().publish(session.target(), e);
            }
            inputPending.discardReadBytes();
        } catch (IllegalArgumentException e) {
            writeControl(new ControlMessage.Error(ControlMessage.Error.BAD_MESSAGE, "bad input event: " + e.getMessage()));
            control.flush();
            input.close();
        }
    }

    private void refuseInput() {
        writeControl(new ControlMessage.Error(ControlMessage.Error.FORBIDDEN,
                "input not allowed: this session has no control token (view only); media continues"));
        control.flush();
        input.shutdownInput();
        log.info("kymux/1 session {}: input refused (view only)", session.id());
    }

    /** Tells the client why and closes the connection. */
    private void fail(int code, String message) {
        log.info("kymux/1 connection from {} refused: {}", quic.remoteSocketAddress(), message);
        if (control != null && control.isActive()) {
            control.writeAndFlush(ControlCodec.encode(new ControlMessage.Error(code, message), control.alloc()))
                    .addListener(f -> quic.close(true, code, Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8))));
        } else {
            quic.close(true, code, Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pathStats != null) {
            pathStats.cancel(false);
        }
        pacedDrain.cancel();
        if (session != null) {
            session.close();
            kymux.unregister(session);
            log.info("kymux/1 session {} closed: {} datagrams, {} bytes paced (pacing at {} b/s), drops {}, last stats {}",
                    session.id(), datagramsSent, pacer.sentBytes(), pacer.rateBps(), session.stats().drops(), lastStats);
        }
        if (controlCodec != null) {
            controlCodec.close();
        }
        if (inputPending != null) {
            inputPending.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("kymux/1 connection failed: {}", cause.toString());
        ctx.close();
    }
}
