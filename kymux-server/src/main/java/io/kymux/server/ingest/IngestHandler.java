package io.kymux.server.ingest;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.PacketStreamException;
import io.kymux.core.packet.StreamHeader;
import io.kymux.server.Kymux;
import io.kymux.server.http.Responses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ingest/{feed}}: an endless (chunked) request body carrying a packet stream.
 * Each chunk goes through the sans-I/O decoder into the feed. A malformed stream gets a
 * 400 with the decoder's message and the connection is closed; nothing else is affected.
 */
public final class IngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);

    private final Kymux kymux;
    private final Feed feed;
    private final PacketStreamDecoder decoder;
    private final List<PacketStreamEvent> events = new ArrayList<>();
    private boolean opened;
    private boolean done;

    public IngestHandler(Kymux kymux, Feed feed, ChannelHandlerContext ctx) {
        this.kymux = kymux;
        this.feed = feed;
        this.decoder = new PacketStreamDecoder(ctx.alloc(), kymux.config().maxPacketSize());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                log.info("ingest {} from {}", feed.name(), ctx.channel().remoteAddress());
            }
            if (done || !(msg instanceof HttpContent content)) {
                return;
            }
            decoder.decode(content.content(), events);
            deliver();
            if (msg instanceof LastHttpContent) {
                decoder.finish();
                finish(ctx, HttpResponseStatus.OK, "ingest of " + feed.name() + " ended", false);
            }
        } catch (PacketStreamException e) {
            releaseEvents();
            kymux.metrics().ingestError(e.reason().name().toLowerCase());
            log.warn("ingest {} rejected: {}", feed.name(), e.getMessage());
            finish(ctx, HttpResponseStatus.BAD_REQUEST, "bad packet stream: " + e.getMessage(), true);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void deliver() {
        long now = kymux.nowUs();
        for (int i = 0; i < events.size(); i++) {
            PacketStreamEvent ev = events.get(i);
            events.set(i, null);
            if (ev instanceof StreamHeader h) {
                feed.open(h);
                opened = true;
            } else if (ev instanceof MediaPacket p) {
                kymux.metrics().frameIn();
                feed.publish(p, now);
            }
        }
        events.clear();
    }

    private void releaseEvents() {
        for (PacketStreamEvent ev : events) {
            if (ev instanceof MediaPacket p) {
                p.release();
            }
        }
        events.clear();
    }

    private void finish(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean close) {
        if (done) {
            return;
        }
        done = true;
        endFeed();
        Responses.text(ctx, status, message, close);
    }

    private void endFeed() {
        decoder.close();
        if (opened) {
            feed.close();
            opened = false;
        }
        kymux.releaseProducer(feed.name());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            endFeed();
            log.info("ingest {} disconnected", feed.name());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("ingest {} failed: {}", feed.name(), cause.toString());
        kymux.metrics().ingestError("io");
        if (!done) {
            done = true;
            endFeed();
        }
        ctx.close();
    }
}
