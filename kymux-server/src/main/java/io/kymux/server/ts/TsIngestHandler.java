package io.kymux.server.ts;

import io.kymux.core.ts.TsAligner;
import io.kymux.core.ts.TsFeed;
import io.kymux.server.Kymux;
import io.kymux.server.http.Responses;
import io.netty.buffer.ByteBuf;
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
 * {@code POST /ts/{feed}}: an endless (chunked) MPEG-TS body, as
 * {@code ffmpeg ... -f mpegts http://host:8888/ts/video0} sends it. Each chunk is cut to
 * whole 188-byte packets (resync on 0x47) and relayed unchanged; its H.264 video is also
 * published as the packet feed of the same name ({@link TsToPacketFeed}).
 */
public final class TsIngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TsIngestHandler.class);

    private final Kymux kymux;
    private final TsFeed feed;
    private final TsAligner aligner;
    private final TsToPacketFeed packets;
    private final List<ByteBuf> runs = new ArrayList<>(2);
    private boolean done;

    public TsIngestHandler(Kymux kymux, TsFeed feed, ChannelHandlerContext ctx) {
        this.kymux = kymux;
        this.feed = feed;
        this.aligner = new TsAligner(ctx.alloc());
        this.packets = new TsToPacketFeed(kymux, feed.name(), ctx.alloc());
        feed.open();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                log.info("TS ingest {} from {}", feed.name(), ctx.channel().remoteAddress());
            }
            if (done || !(msg instanceof HttpContent content)) {
                return;
            }
            aligner.accept(content.content(), runs);
            long now = kymux.nowUs();
            for (ByteBuf run : runs) {
                packets.accept(run, now); // before the relay takes the run
                feed.publish(run, now);
            }
            runs.clear();
            if (msg instanceof LastHttpContent) {
                end();
                Responses.text(ctx, HttpResponseStatus.OK, "TS ingest of " + feed.name() + " ended", false);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void end() {
        if (!done) {
            done = true;
            if (aligner.skippedBytes() > 0) {
                log.info("TS ingest {}: skipped {} bytes to resync", feed.name(), aligner.skippedBytes());
            }
            aligner.close();
            packets.close();
            feed.close();
            kymux.releaseTsProducer(feed.name());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        io.kymux.server.ConnectionEnd.log(log, "TS ingest " + feed.name(), cause);
        kymux.metrics().ingestError("io");
        end();
        ctx.close();
    }
}
