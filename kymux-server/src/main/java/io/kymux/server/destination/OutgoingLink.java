package io.kymux.server.destination;

import io.kymux.core.loop.Backoff;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outgoing WebSocket of a destination, owned by one event loop (all state below is
 * touched only there). It connects lazily (when there is something to send), reconnects
 * with {@link Backoff}, and swaps targets make-before-break: a new URL is connected while
 * the old connection keeps carrying media; the moment the new one is upgraded, media
 * moves to it and the old one is closed after everything written to it (WebSocket close
 * handshake), so nothing is lost at the switch.
 */
abstract class OutgoingLink {

    private static final Logger log = LoggerFactory.getLogger(OutgoingLink.class);

    protected final EventLoop loop;
    private final String label;
    private final Backoff backoff;
    private URI url;
    private Channel active;
    private URI activeUrl;
    private Channel pending;
    private URI pendingUrl;
    /** Something was ever to be sent: from then on the link keeps itself connected. */
    private boolean wanted;
    private ScheduledFuture<?> retry;
    private int failures;
    private boolean closed;
    private volatile String lastError;
    private volatile boolean connected;
    private volatile long connects;
    private volatile long bytesSent;
    private volatile State state = State.IDLE;

    /** Where a link is, for the API: a destination that cannot connect must be visible without the log. */
    enum State {
        /** Nothing to send yet (no media on its feed): not connected on purpose. */
        IDLE,
        CONNECTING,
        CONNECTED,
        /** The last attempt failed ({@code lastError}); the next one is scheduled with backoff. */
        RETRYING,
        CLOSED;

        /** The API's spelling. */
        @com.fasterxml.jackson.annotation.JsonValue
        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    protected OutgoingLink(EventLoop loop, String label, URI url, Backoff backoff) {
        this.loop = loop;
        this.label = label;
        this.url = url;
        this.backoff = backoff;
    }

    /** Sends media to {@code next} from now on, without a gap (any thread). */
    final void retarget(URI next) {
        loop.execute(() -> {
            if (closed || next.equals(url)) {
                return;
            }
            url = next;
            failures = 0;
            cancelRetry();
            if (pending != null) {
                Channel p = pending;
                pending = null;
                p.close();
            }
            if (wanted) {
                want(); // the current connection, if any, carries media until the new one is up
            }
            updateState();
        });
    }

    /** Closes the connections; the subclass releases what it holds in {@link #onClosed()} (any thread). */
    final void close() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            cancelRetry();
            if (pending != null) {
                pending.close();
                pending = null;
            }
            if (active != null) {
                closeGracefully(active, "destination removed");
                active = null;
            }
            connected = false;
            updateState();
            onClosed();
        });
    }

    /** There is something to send: connect unless connected to the target, connecting or waiting to retry. Loop only. */
    protected final void want() {
        wanted = true;
        if (!closed && pending == null && retry == null && (active == null || !url.equals(activeUrl))) {
            connect();
        }
        updateState();
    }

    /** Loop only: after every change to the fields it reads. */
    private void updateState() {
        state = closed ? State.CLOSED : active != null ? State.CONNECTED : retry != null ? State.RETRYING
                : pending != null || wanted ? State.CONNECTING : State.IDLE;
    }

    /** Counts what a subclass wrote to the active connection. Loop only. */
    protected final void countSent(long bytes) {
        bytesSent += bytes;
    }

    /** The upgraded connection media goes to, or null. Loop only. */
    protected final Channel active() {
        return active;
    }

    protected final boolean isClosed() {
        return closed;
    }

    /** The connection is gone for good or must be replaced (e.g. a new stream header): start over. Loop only. */
    protected final void reconnect(String why) {
        if (active != null) {
            closeGracefully(active, why);
            active = null;
            connected = false;
        }
        want();
    }

    /** A new connection is upgraded and active: write what must precede media (e.g. the stream header). */
    protected abstract void onConnected(Channel ch);

    /** Write what is waiting; called on the loop after connecting and when the channel drains. */
    protected abstract void drain();

    /** The remote sent a text message (e.g. a keyframe request). */
    protected void onText(String text) {
    }

    protected abstract void onClosed();

    private void connect() {
        URI target = url;
        connects++;
        ChannelFuture f = WebSocketConnector.connect(target, DestinationRule.pinOf(target), loop, () -> new Handler());
        pending = f.channel();
        pendingUrl = target;
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed(f.channel(), "cannot connect to " + target + ": " + done.cause().getMessage());
            }
        });
    }

    private void upgraded(Channel ch) {
        if (ch != pending || closed) {
            ch.close();
            return;
        }
        pending = null;
        failures = 0;
        lastError = null;
        Channel old = active;
        active = ch;
        activeUrl = pendingUrl;
        connected = true;
        log.info("{}: connected to {}", label, activeUrl);
        updateState();
        onConnected(ch);
        if (old != null) {
            closeGracefully(old, "destination moved");
        }
        drain();
    }

    private void failed(Channel ch, String why) {
        if (ch == pending) {
            pending = null;
        } else if (ch == active) {
            active = null;
            connected = false;
        } else {
            return; // an old connection we closed on purpose
        }
        lastError = why;
        if (!closed && pending == null) {
            scheduleRetry(why); // media keeps going to the previous target, if any, meanwhile
        }
        updateState();
    }

    private void scheduleRetry(String why) {
        if (retry != null) {
            return;
        }
        failures++;
        long delay = backoff.delayMs(failures, ThreadLocalRandom.current().nextDouble());
        log.info("{}: {}; retrying in {} ms", label, why, delay);
        retry = loop.schedule(() -> {
            retry = null;
            want();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private static void closeGracefully(Channel ch, String why) {
        // the remote reads everything written before the close frame, answers it, then we close
        ch.writeAndFlush(new CloseWebSocketFrame(1000, why));
        ch.eventLoop().schedule(() -> ch.close(), 2, TimeUnit.SECONDS);
    }

    final Status status() {
        return new Status(state, connected, connects, lastError, bytesSent);
    }

    /** What the API shows about a link. */
    record Status(State state, boolean connected, long connects, String lastError, long bytesSent) {
    }

    /** The per-connection pipeline end: handshake, messages, loss. */
    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (WebSocketConnector.isHandshakeComplete(evt)) {
                upgraded(ctx.channel());
            } else if (WebSocketConnector.isHandshakeTimeout(evt)) {
                failed(ctx.channel(), "WebSocket upgrade to " + url + " timed out");
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame t && ctx.channel() == active) {
                onText(t.text());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == active && ctx.channel().isWritable()) {
                drain();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failed(ctx.channel(), "connection to " + url + " closed");
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(ctx.channel(), cause.getMessage());
            ctx.close();
        }
    }
}
