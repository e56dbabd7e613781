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
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.kymux.server.quic.StreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebTransport viewer: the HTTP/3 edge of a {@link Session}, with the WebSocket
 * path's message layout. Each video frame goes on a unidirectional stream of its own, so
 * a lost packet delays only its frame; a frame still unsent at its deadline has its
 * stream reset rather than finished. Audio frames go as HTTP/3 datagrams (one Opus packet
 * fits; a larger one takes a stream). Control messages both ways travel length-prefixed
 * on the bidirectional stream the page opens first (keyframe requests, stats, and input
 * events from a page that connected with the control token); the session starts when it arrives,
 * so the hello comes before any media. Everything runs on the connection's event loop.
 */
final class WebTransportViewer {

    private static final Logger log = LoggerFactory.getLogger(WebTransportViewer.class);
    /** Frame streams open at once; past this the session queue holds (and drops) frames. */
    static final int MAX_OPEN_STREAMS = 64;
    /** Application error code for a stream reset because its frame is too late. */
    static final int LATE = 0x4b4c; // "KL"
    static final int MAX_DATAGRAM_PAYLOAD = 1100;

    private final Kymux kymux;
    private final QuicChannel quic;
    private final long sessionId;
    private final Session session;
    private final MessageFraming inbox;
    private final List<String> messages = new ArrayList<>();
    private QuicStreamChannel control;
    private int openStreams;
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
        this.session = new Session(kymux.nextSessionId(), name, feeds, kymux.config().queueLimits(),
                () -> quic.eventLoop().execute(this::drain));
        kymux.register(session);
    }

    long sessionId() {
        return sessionId;
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

    /** Moves queued items out while fewer than {@link #MAX_OPEN_STREAMS} frame streams are open. */
    void drain() {
        if (closed || control == null || !quic.isActive()) {
            return;
        }
        long now = kymux.nowUs();
        boolean wroteControl = false;
        while (openStreams < MAX_OPEN_STREAMS) {
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

    private void send(QueueItem.Media m, long now) {
        ByteBuf message = BrowserMessage.encode(m.track(), m.frame(), m.replay(), quic.alloc());
        kymux.metrics().frameOut(m.frame().size());
        if (!m.video() && !m.frame().config() && message.readableBytes() <= MAX_DATAGRAM_PAYLOAD) {
            quic.writeAndFlush(WebTransportFraming.datagram(quic.alloc(), sessionId, message));
            message.release();
            return;
        }
        openStreams++;
        long deadline = m.mustDeliver() ? Long.MAX_VALUE : m.deadlineUs();
        quic.createStream(QuicStreamType.UNIDIRECTIONAL, new ChannelInboundHandlerAdapter()).addListener(f -> {
            if (!f.isSuccess()) {
                message.release();
                streamDone();
                return;
            }
            QuicStreamChannel s = (QuicStreamChannel) f.getNow();
            s.write(WebTransportFraming.uniStreamHeader(s.alloc(), sessionId));
            var written = s.writeAndFlush(message).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            written.addListener((ChannelFutureListener) w -> streamDone());
            if (deadline != Long.MAX_VALUE) {
                long delayUs = Math.max(0, deadline - now);
                s.eventLoop().schedule(() -> {
                    if (!written.isDone() && s.isActive()) {
                        s.shutdownOutput(LATE); // RESET_STREAM: the page drops it, no head-of-line wait
                    }
                }, delayUs, TimeUnit.MICROSECONDS);
            }
        });
    }

    private void streamDone() {
        openStreams--;
        drain();
    }

    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        session.close();
        kymux.unregister(session);
        inbox.close();
        log.info("WebTransport session {} closed ({}): {}", session.id(), reason, session.stats());
    }
}
