package io.kymux.server.ingest;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.PacketStreamException;
import io.kymux.server.Kymux;
import io.kymux.server.http.Responses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ingest/{feed}}: an endless (chunked) request body carrying a packet stream.
 * Each chunk goes through {@link FeedIngest} into the feed. A malformed stream gets a 400
 * with the decoder's message and the connection is closed; nothing else is affected.
 * HTTP has no way back to the producer, so it cannot be asked for keyframes.
 */
public final class IngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);

    private final FeedIngest ingest;
    private boolean answered;

    public IngestHandler(Kymux kymux, Feed feed, ChannelHandlerContext ctx) {
        this.ingest = new FeedIngest(kymux, feed, ctx.alloc(), null);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                log.info("ingest {} from {}", ingest.feed().name(), ctx.channel().remoteAddress());
            }
            if (answered || !(msg instanceof HttpContent content)) {
                return;
            }
            ingest.accept(content.content());
            if (msg instanceof LastHttpContent) {
                ingest.finish();
                ingest.end();
                answer(ctx, HttpResponseStatus.OK, "ingest of " + ingest.feed().name() + " ended", false);
            }
        } catch (PacketStreamException e) {
            ingest.end();
            log.warn("ingest {} rejected: {}", ingest.feed().name(), e.getMessage());
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "bad packet stream: " + e.getMessage(), true);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean close) {
        if (!answered) {
            answered = true;
            Responses.text(ctx, status, message, close);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ingest.ended()) {
            ingest.end();
            log.info("ingest {} disconnected", ingest.feed().name());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        io.kymux.server.ConnectionEnd.log(log, "ingest " + ingest.feed().name(), cause);
        ingest.end();
        ctx.close();
    }
}
