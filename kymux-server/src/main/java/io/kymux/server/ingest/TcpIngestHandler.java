package io.kymux.server.ingest;

import io.kymux.core.packet.PacketStreamException;
import io.kymux.server.Kymux;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw TCP ingest connection ({@code --tcp-ingest video0=127.0.0.1:1234}): the bytes are
 * the packet stream, as {@code ffmpeg ... -f kyber tcp://localhost:1234} or
 * {@code kymux capture --to tcp://…} send it. The server may write back
 * {@code {"type":"keyframe"}\n} to ask for a keyframe. A malformed stream gets
 * {@code {"type":"error",...}\n} and the connection is closed.
 */
public final class TcpIngestHandler extends ChannelInboundHandlerAdapter {

    static final byte[] KEYFRAME_REQUEST = (io.kymux.core.packet.BackChannel.KEYFRAME_REQUEST + "\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final Logger log = LoggerFactory.getLogger(TcpIngestHandler.class);

    private final Kymux kymux;
    private final String feedName;
    private FeedIngest ingest;

    public TcpIngestHandler(Kymux kymux, String feedName) {
        this.kymux = kymux;
        this.feedName = feedName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        var feed = kymux.feeds().getOrCreate(feedName);
        if (feed.isEmpty() || !kymux.claimProducer(feedName)) {
            String why = feed.isEmpty() ? "too many feeds" : "feed " + feedName + " already has a producer";
            kymux.metrics().ingestError("rejected");
            ctx.writeAndFlush(Unpooled.copiedBuffer("{\"type\":\"error\",\"message\":\"" + why + "\"}\n", StandardCharsets.UTF_8))
                    .addListener(f -> ctx.close());
            return;
        }
        ingest = new FeedIngest(kymux, feed.get(), ctx.alloc(),
                () -> ctx.writeAndFlush(Unpooled.wrappedBuffer(KEYFRAME_REQUEST)));
        log.info("TCP ingest {} from {}", feedName, ctx.channel().remoteAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (ingest != null && msg instanceof ByteBuf b) {
                ingest.accept(b);
            }
        } catch (PacketStreamException e) {
            log.warn("TCP ingest {} rejected: {}", feedName, e.getMessage());
            String json = "{\"type\":\"error\",\"message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    "bad packet stream: " + e.getMessage()) + "}\n";
            ctx.writeAndFlush(Unpooled.copiedBuffer(json, StandardCharsets.UTF_8)).addListener(f -> ctx.close());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ingest != null) {
            ingest.end();
            log.info("TCP ingest {} ended", feedName);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        kymux.metrics().ingestError("io");
        ctx.close();
    }
}
