package io.kymux.server.webtransport;

import io.kymux.core.webtransport.WebTransportFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * First in a bidirectional stream's pipeline: a stream that starts with WebTransport's
 * 0x41 signal belongs to a session, so HTTP/3's handlers are taken out and the session
 * gets the stream; any other stream is an HTTP/3 request and passes through untouched.
 * (Netty's HTTP/3 handler has no hook for 0x41 streams.)
 */
final class PageStreamSniffer extends ChannelInboundHandlerAdapter {

    private final WebTransportConnection connection;
    private ByteBuf pending;

    PageStreamSniffer(WebTransportConnection connection) {
        this.connection = connection;
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PageStreamSniffer.class);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (pending != null) {
            pending.writeBytes(b);
            b.release();
            b = pending;
            pending = null;
        }
        Optional<WebTransportFraming.StreamHeader> header;
        try {
            header = WebTransportFraming.readStreamHeader(b, true);
        } catch (IllegalArgumentException notWebTransport) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(b); // an HTTP/3 request: its codec is next
            return;
        }
        if (header.isEmpty()) {
            pending = ctx.alloc().buffer(16).writeBytes(b); // the header is split: wait for the rest
            b.release();
            return;
        }
        WebTransportViewer session = connection.session(header.get().sessionId());
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        if (session == null) {
            b.release();
            stream.close(); // no such session on this connection
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        List<ChannelHandler> http3 = new ArrayList<>();
        for (var e : p) {
            if (e.getValue() != this) {
                http3.add(e.getValue());
            }
        }
        http3.forEach(p::remove);
        p.remove(this);
        session.attachControl(stream, b);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream {} failed: {}", ((QuicStreamChannel) ctx.channel()).streamId(), cause.toString());
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
