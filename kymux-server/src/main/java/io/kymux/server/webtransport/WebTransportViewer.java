package io.kymux.server.webtransport;

import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.core.browser.BrowserMessage;
import io.kymux.core.feed.Feed;
import io.kymux.core.session.QueueItem;
import io.kymux.core.session.Session;
import io.kymux.core.webtransport.MessageFraming;
import io.kymux.core.webtransport.WebTransportFraming;
import io.kymux.server.Kymux;
import io.kymux.server.ViewerReports;
import io.kymux.server.ws.ControlMessages;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.netty.handler.codec.quic.QuicStreamType;
import io.kymux.server.quic.StreamReader;
import io.kymux.server.ServerConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebTransport viewer: the HTTP/3 edge of a {@link Session}, with the WebSocket
 * path's message layout. Each video frame goes on a unidirectional stream of its own,
 * sent oldest first, and reset at the frame's deadline if QUIC has not delivered it, so a
 * late frame never holds back the next ones ({@code --webtransport-streams gop} instead puts
 * a GOP on one stream, reset when the next GOP starts). Stream messages are
 * varint-length-prefixed. Audio frames go as HTTP/3 datagrams (one Opus packet fits; a
 * larger one takes a stream). Control messages both ways travel length-prefixed on the
 * bidirectional stream the page opens first (keyframe requests, stats, and input events
 * from a page that connected with the control token); the session starts when it arrives,
 * so the hello comes before any media. Everything runs on the connection's event loop.
 */
final class WebTransportViewer {

    private static final Logger log = LoggerFactory.getLogger(WebTransportViewer.class);
    /** Frames handed to QUIC but not yet taken by it; past this the session queue holds (and drops) them. */
    static final int MAX_IN_FLIGHT = 64;
    /** Application error code for a stream reset because its frame is too late. */
    static final int LATE = 0x4b4c; // "KL"
    static final int MAX_DATAGRAM_PAYLOAD = 1100;
    /** Frame streams left open for a deadline reset; more are finished, oldest first. */
    static final int MAX_OPEN_FRAME_STREAMS = 32;
    /** How soon drain looks again for stream credit while the page has granted none. */
    static final long CREDIT_RETRY_MS = 2;
    /**
     * Frame streams (video, and audio too large for a datagram) are sent one after the other,
     * oldest first, not round-robin (quiche's default): under a small congestion window,
     * interleaving would make every frame late.
     */
    private static final QuicStreamPriority FRAME_STREAM_PRIORITY = new QuicStreamPriority(3, false);

    private final Kymux kymux;
    private final QuicChannel quic;
    private final long sessionId;
    private final Session session;
    private final MessageFraming inbox;
    private final List<String> messages = new ArrayList<>();
    private QuicStreamChannel control;
    private int inFlight;
    /** Streams asked of QUIC and not yet opened: they will use the page's stream credit too. */
    private int opening;
    private boolean creditRetryScheduled;
    private final ServerConfig.WebTransportStreams streams;
    private final Map<Integer, GopStream> gops = new HashMap<>();
    private final ArrayDeque<OpenFrameStream> openFrameStreams = new ArrayDeque<>();
    /** The CONNECT carried the control token: this page may send input events. */
    private final boolean mayControl;
    private boolean inputRefused;
    private boolean closed;

    WebTransportViewer(Kymux kymux, QuicChannel quic, long sessionId, String name, List<Feed> feeds,
                       boolean mayControl) {
        this.kymux = kymux;
        this.mayControl = mayControl;
        this.quic = quic;
        this.sessionId = sessionId;
        this.inbox = new MessageFraming(quic.alloc());
        this.streams = kymux.config().quic().webTransportStreams();
        this.session = new Session(kymux.nextSessionId(), name, feeds, kymux.config().queueLimits(),
                () -> quic.eventLoop().execute(this::drain)).adaptWith(kymux.feeds()::renditionsOf);
        kymux.register(session);
    }

    long sessionId() {
        return sessionId;
    }

    public Session session() {
        return session;
    }

    /** The page's bidirectional stream (its header already read): control both ways. */
    void attachControl(QuicStreamChannel stream, ByteBuf rest) {
        if (control != null) {
            stream.close(); // one control stream per session
            rest.release();
            return;
        }
        control = stream;
        stream.pipeline().addLast(new StreamReader(this::onControlBytes, () -> close("control stream closed")));
        onControlBytes(rest);
        rest.release();
        writeControl(ControlMessages.hello(session, kymux.config().queueLimits().latencyBudgetUs()));
        control.flush();
        session.start(kymux.nowUs());
        log.info("WebTransport session {} watching {} from {}", session.id(), session.target(), quic.remoteSocketAddress());
    }

    private void onControlBytes(ByteBuf b) {
        try {
            inbox.decode(b, messages);
            for (String m : messages) {
                JsonNode n = ViewerReports.parse(m);
                String type = n.path("type").asText();
                if (type.equals("keyframe")) {
                    session.requestKeyframe(n.path("track").asInt(0), kymux.nowUs());
                } else if (type.equals("stats")) {
                    kymux.viewerReports().accept(session.id(), n);
                } else if (type.equals("input")) {
                    input(n.path("event"));
                } // "hello" opens the stream; others are ignored
            }
        } catch (IllegalArgumentException e) {
            kymux.metrics().badViewerMessage();
            log.debug("WebTransport session {}: ignored message: {}", session.id(), e.getMessage());
        } finally {
            messages.clear();
        }
    }

    /** An input event from the page: to the stream's injectors if this session may control. */
    private void input(JsonNode event) {
        if (mayControl) {
            kymux.inputs().publish(session.target(), io.kymux.core.input.InputJson.parse(event.toString(), kymux::nowUs));
        } else if (!inputRefused) {
            inputRefused = true; // said once; the picture goes on
            writeControl("{\"type\":\"error\",\"message\":\"input not allowed: this session has no control token "
                    + "(view only)\"}");
            control.flush();
        }
    }

    private void writeControl(String json) {
        if (control != null && control.isActive()) {
            control.write(MessageFraming.encode(control.alloc(), json));
        }
    }

    /** Moves queued items out while fewer than {@link #MAX_IN_FLIGHT} frames are in flight. */
    void drain() {
        if (closed || control == null || !quic.isActive()) {
            return;
        }
        long now = kymux.nowUs();
        boolean wroteControl = false;
        while (inFlight < MAX_IN_FLIGHT) {
            if (!hasStreamCredit()) {
                waitForStreamCredit();
                break; // frames wait in the session queue, under its deadline policy
            }
            QueueItem item = session.poll(now);
            if (item == null) {
                break;
            }
            if (item instanceof QueueItem.Control c) {
                writeControl(ControlMessages.event(c.event()));
                wroteControl = true;
            } else if (item instanceof QueueItem.Media m) {
                try {
                    send(m, now);
                } finally {
                    m.frame().release();
                }
            }
        }
        if (wroteControl) {
            control.flush();
        }
    }

    /**
     * Whether the page lets us open another unidirectional stream. Chromium grants them in
     * batches (about 50 at a time, once half of its window is closed); opening one past
     * the grant fails, which would lose a frame, so drain waits for the next grant instead.
     */
    private boolean hasStreamCredit() {
        return quic.peerAllowedStreams(QuicStreamType.UNIDIRECTIONAL) - opening > 0;
    }

    /**
     * No credit: finish the older half of the frame streams held open for a deadline reset,
     * so the page can close them and grant more, and look again shortly. QUIC tells no event
     * when MAX_STREAMS arrives, so this polls, and only while blocked.
     */
    private void waitForStreamCredit() {
        for (int i = openFrameStreams.size() / 2; i > 0; i--) {
            openFrameStreams.poll().written().addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }
        if (!creditRetryScheduled) {
            creditRetryScheduled = true;
            quic.eventLoop().schedule(() -> {
                creditRetryScheduled = false;
                drain();
            }, CREDIT_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void send(QueueItem.Media m, long now) {
        ByteBuf message = BrowserMessage.encode(m, quic.alloc());
        kymux.metrics().frameOut(m.frame().size());
        if (!m.video() && !m.frame().config() && message.readableBytes() <= MAX_DATAGRAM_PAYLOAD) {
            quic.writeAndFlush(WebTransportFraming.datagram(quic.alloc(), sessionId, message));
            message.release();
            return;
        }
        inFlight++;
        if (m.video() && streams == ServerConfig.WebTransportStreams.GOP) {
            gopStream(m).write(message);
        } else {
            sendOnOwnStream(m, message, now);
        }
    }

    /**
     * One stream for this frame alone. A frame that must arrive (config, GOP replay) is
     * finished at once. Any other is left open and reset at its deadline: Netty closes a
     * finished stream before QUIC has delivered it, so only an open one can still be
     * recalled. The reset makes QUIC stop (re)sending a stale frame; the page has parsed
     * the frame already if it all arrived (the length prefix tells it where it ends). At
     * most {@link #MAX_OPEN_FRAME_STREAMS} wait for their deadline; past that the oldest is
     * finished, since the page grants only so many streams at once (Chromium about 100, in
     * batches: see {@link #hasStreamCredit()}).
     */
    private void sendOnOwnStream(QueueItem.Media m, ByteBuf message, long now) {
        openFrameStream(() -> {
            message.release();
            writeDone();
        }, s -> {
            ChannelFuture written = writeMessage(s, message);
            s.flush();
            if (m.mustDeliver()) {
                written.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
                return;
            }
            OpenFrameStream open = new OpenFrameStream(s, written);
            openFrameStreams.add(open);
            s.eventLoop().schedule(() -> {
                if (openFrameStreams.remove(open)) {
                    reset(s);
                }
            }, Math.max(0, m.deadlineUs() - now), TimeUnit.MICROSECONDS);
            while (openFrameStreams.size() > MAX_OPEN_FRAME_STREAMS) {
                openFrameStreams.poll().written().addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        });
    }

    /**
     * Opens a unidirectional stream for frames, sent oldest first, with its WebTransport
     * header written; {@code failed} runs instead if QUIC cannot open one.
     */
    private void openFrameStream(Runnable failed, java.util.function.Consumer<QuicStreamChannel> opened) {
        opening++;
        quic.createStream(QuicStreamType.UNIDIRECTIONAL, new ChannelInboundHandlerAdapter()).addListener(f -> {
            opening--;
            if (!f.isSuccess()) {
                failed.run();
                return;
            }
            QuicStreamChannel s = (QuicStreamChannel) f.getNow();
            s.updatePriority(FRAME_STREAM_PRIORITY);
            s.write(WebTransportFraming.uniStreamHeader(s.alloc(), sessionId));
            opened.accept(s);
        });
    }

    /** One length-prefixed message onto a frame stream (not flushed); it counts as in flight until QUIC takes it. */
    private ChannelFuture writeMessage(QuicStreamChannel s, ByteBuf message) {
        s.write(WebTransportFraming.messageLength(s.alloc(), message.readableBytes()));
        return s.write(message).addListener((ChannelFutureListener) w -> writeDone());
    }

    /** A frame stream left open until its deadline, so that it can still be reset. */
    private record OpenFrameStream(QuicStreamChannel stream, ChannelFuture written) {
    }

    private static void reset(QuicStreamChannel s) {
        if (s.isActive()) {
            s.shutdownOutput(LATE); // RESET_STREAM: the page drops what it has not got, no head-of-line wait
        }
    }

    /**
     * The track's GOP stream: a config or keyframe starts a new one (a keyframe joins the
     * stream its config just opened). The previous stream is reset, not finished: the new
     * GOP does not need what QUIC has not delivered of the old one.
     */
    private GopStream gopStream(QueueItem.Media m) {
        GopStream g = gops.get(m.track());
        boolean startsGop = m.frame().config() || (m.frame().key() && (g == null || !g.configOnly));
        if (g == null || startsGop) {
            if (g != null) {
                g.end();
            }
            g = new GopStream();
            gops.put(m.track(), g);
        }
        if (!m.frame().config()) {
            g.configOnly = false;
        }
        return g;
    }

    /** Frames of one GOP in order on one stream; they wait here until QUIC has made the stream. */
    private final class GopStream {
        private QuicStreamChannel channel;
        private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
        private boolean ended;
        boolean configOnly = true;

        GopStream() {
            openFrameStream(this::dropEarly, s -> {
                channel = s;
                if (ended) { // the next GOP started first: nothing here is wanted any more
                    dropEarly();
                    reset(channel);
                    return;
                }
                while (!early.isEmpty()) {
                    writeMessage(channel, early.poll());
                }
                channel.flush();
            });
        }

        private void dropEarly() {
            while (!early.isEmpty()) {
                early.poll().release();
                writeDone();
            }
        }

        void write(ByteBuf message) {
            if (channel == null) {
                early.add(message);
            } else {
                writeMessage(channel, message);
                channel.flush();
            }
        }

        void end() {
            ended = true;
            if (channel != null) {
                reset(channel);
            }
        }

        /** The session is over: frames still waiting for the stream go nowhere. */
        void discard() {
            while (!early.isEmpty()) {
                early.poll().release();
            }
        }
    }

    private void writeDone() {
        inFlight--;
        drain();
    }

    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        gops.values().forEach(GopStream::discard);
        session.close();
        kymux.unregister(session);
        inbox.close();
        log.info("WebTransport session {} closed ({}): {}", session.id(), reason, session.stats());
    }
}
