package io.kymux.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/**
 * Answers one request whose (small, bounded) body the router had aggregated, then hands
 * the connection back to a fresh router for its next request.
 */
abstract class BodyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String AGGREGATOR = "body";

    private final Supplier<ChannelHandler> router;

    BodyHandler(Supplier<ChannelHandler> router) {
        this.router = router;
    }

    /** Writes the response. */
    protected abstract void answer(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception;

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        try {
            answer(ctx, req);
        } catch (Exception e) {
            Responses.text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.toString(), true);
        } finally {
            ctx.pipeline().remove(AGGREGATOR);
            ctx.pipeline().replace(this, "router", router.get());
        }
    }
}
