package io.kymux.server.destination;

import io.kymux.core.loop.Backoff;
import io.kymux.core.feed.Feed;
import io.kymux.core.media.Frame;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.session.QueueItem;
import io.kymux.core.session.QueueLimits;
import io.kymux.core.session.Session;
import io.kymux.core.session.SessionEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.net.URI;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Pushes one packet-stream feed to a remote ingest ({@code ws://relay/ingest/{feed}}) in
 * the packet-stream format, so another kymux (or anything that reads the format) takes it
 * as a producer: a cascade. The feed is watched through an ordinary {@link Session}, so a
 * destination joins, queues and drops exactly like a viewer (config and GOP first, late
 * frames dropped by the deadline policy while the remote is slow or unreachable). Every
 * new connection starts with the stream header and the latest config packet; the remote's
 * keyframe requests are passed up to this feed's producer.
 */
final class PacketLink extends OutgoingLink {

    private final Feed feed;
    private final Session session;
    private final LongSupplier clockUs;
    private TrackInfo track;
    private StreamHeader headerSent;
    private Frame lastConfig;
    private volatile long framesSent;

    PacketLink(EventLoop loop, String label, URI url, Backoff backoff, long sessionId, Feed feed,
               QueueLimits limits, LongSupplier clockUs) {
        super(loop, label, url, backoff);
        this.feed = feed;
        this.clockUs = clockUs;
        this.session = new Session(sessionId, label, List.of(feed), limits, () -> loop.execute(this::drain));
    }

    void start() {
        session.start(clockUs.getAsLong());
    }

    Feed feed() {
        return feed;
    }

    @Override
    protected void onConnected(Channel ch) {
        headerSent = null;
        if (track != null) {
            writeHeader(ch);
            if (lastConfig != null) {
                write(ch, lastConfig);
            }
        }
    }

    @Override
    protected void drain() {
        Channel ch = active();
        if (ch == null) {
            if (!isClosed()) {
                want(); // frames wait in the session queue (deadline policy) until connected
            }
            return;
        }
        long now = clockUs.getAsLong();
        boolean wrote = false;
        while (ch.isActive() && ch.isWritable()) {
            QueueItem item = session.poll(now);
            if (item == null) {
                break;
            }
            if (item instanceof QueueItem.Control c && c.event() instanceof SessionEvent.TrackChanged t) {
                track = t.info();
                if (headerSent == null) {
                    wrote |= writeHeader(ch);
                } else if (!headerSent.equals(header(track))) {
                    // one header per packet stream: new dimensions or codec need a new connection
                    ch.flush();
                    reconnect("new stream header");
                    return;
                }
            } else if (item instanceof QueueItem.Media m) {
                try {
                    if (m.frame().config()) {
                        rememberConfig(m.frame());
                    }
                    if (headerSent != null) {
                        write(ch, m.frame());
                        wrote = true;
                        if (!m.frame().config()) {
                            framesSent++;
                        }
                    }
                } finally {
                    m.frame().release();
                }
            }
        }
        if (wrote) {
            ch.flush();
        }
    }

    private boolean writeHeader(Channel ch) {
        headerSent = header(track);
        ByteBuf b = ch.alloc().buffer(headerSent.encodedSize());
        PacketStreamEncoder.writeHeader(headerSent, b);
        countSent(b.readableBytes());
        ch.write(new BinaryWebSocketFrame(b));
        return true;
    }

    private static StreamHeader header(TrackInfo t) {
        return new StreamHeader(t.codec(), t.width(), t.height());
    }

    private void write(Channel ch, Frame f) {
        ByteBuf head = ch.alloc().buffer(PacketStreamEncoder.PACKET_HEADER_SIZE);
        PacketStreamEncoder.writePacketHeader(f.ptsUs(), f.config(), f.key(), f.size(), head);
        countSent(head.readableBytes() + f.size());
        ch.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(head, f.payload().retainedDuplicate())));
    }

    private void rememberConfig(Frame f) {
        if (lastConfig != null) {
            lastConfig.release();
        }
        lastConfig = f.retainedDuplicate();
    }

    @Override
    protected void onText(String text) {
        if (io.kymux.core.packet.BackChannel.isKeyframeRequest(text)) {
            feed.requestKeyframe(clockUs.getAsLong());
        }
    }

    @Override
    protected void onClosed() {
        session.close();
        if (lastConfig != null) {
            lastConfig.release();
            lastConfig = null;
        }
    }

    Session session() {
        return session;
    }

    long framesSent() {
        return framesSent;
    }
}
