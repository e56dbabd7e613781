package io.kymux.server.input;

import io.kymux.core.input.InputEvent;
import io.kymux.core.input.InputEventCodec;
import io.kymux.server.Kymux;
import io.kymux.server.ws.ControlFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input injector at {@code ws://host/input/{stream}}: each input event of the stream
 * arrives as one binary message in the encoding of docs/protocol/input-events.md. Input
 * is never dropped; an injector that falls more than {@link #MAX_BACKLOG} bytes behind is
 * disconnected instead (it is broken or gone).
 */
public final class InjectorHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements InputSink {

    static final long MAX_BACKLOG = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(InjectorHandler.class);

    private final Kymux kymux;
    private final WebSocketServerHandshaker handshaker;
    private final Channel channel;
    private final String stream;

    public InjectorHandler(Kymux kymux, WebSocketServerHandshaker handshaker, Channel channel, String stream) {
        this.kymux = kymux;
        this.handshaker = handshaker;
        this.channel = channel;
        this.stream = stream;
    }

    public void start() {
        // input is never dropped: Netty's buffer holds the backlog, up to MAX_BACKLOG
        channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(
                (int) MAX_BACKLOG / 2, (int) MAX_BACKLOG));
        kymux.inputs().connect(stream, this);
        log.info("input injector for {} from {}", stream, channel.remoteAddress());
    }

    @Override
    public void accept(InputEvent event) {
        if (!channel.isWritable()) {
            log.warn("input injector for {} is {} bytes behind: disconnecting it", stream, MAX_BACKLOG);
            channel.writeAndFlush(new CloseWebSocketFrame(1008, "too far behind")).addListener(f -> channel.close());
            return;
        }
        ByteBuf b = channel.alloc().buffer(32);
        InputEventCodec.encode(event, b);
        channel.writeAndFlush(new BinaryWebSocketFrame(b), channel.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        ControlFrames.answer(ctx, frame, handshaker); // injectors have nothing to say
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        kymux.inputs().disconnect(stream, this);
        log.info("input injector for {} gone", stream);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
