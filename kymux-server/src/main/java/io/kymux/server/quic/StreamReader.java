package io.kymux.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * Hands a QUIC stream's bytes to a consumer and releases them; tells {@code onClose} when
 * the stream is gone. The reading end of kymux/1's and WebTransport's control streams.
 */
public final class StreamReader extends ChannelInboundHandlerAdapter {

    private final Consumer<ByteBuf> sink;
    private final Runnable onClose;

    public StreamReader(Consumer<ByteBuf> sink) {
        this(sink, () -> { });
    }

    public StreamReader(Consumer<ByteBuf> sink, Runnable onClose) {
        this.sink = sink;
        this.onClose = onClose;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf b) {
                sink.accept(b);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onClose.run();
        ctx.fireChannelInactive();
    }
}
