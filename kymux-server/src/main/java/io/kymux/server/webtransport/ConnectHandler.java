package io.kymux.server.webtransport;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.server.ServerConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3UnknownFrame;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;

/**
 * A request stream of an h3 connection. {@code CONNECT /wt/{stream-or-feed}} with
 * {@code :protocol webtransport} opens a session (answered 200, the stream stays open and
 * its end ends the session); anything else gets a status and the stream is finished.
 */
final class ConnectHandler extends Http3RequestStreamInboundHandler {

    private final io.kymux.server.Kymux kymux;
    private final WebTransportConnection connection;
    private long sessionId = -1;

    ConnectHandler(io.kymux.server.Kymux kymux, WebTransportConnection connection) {
        this.kymux = kymux;
        this.connection = connection;
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        Http3Headers h = frame.headers();
        String method = String.valueOf(h.method());
        String protocol = String.valueOf(h.get(":protocol"));
        QueryStringDecoder q = new QueryStringDecoder(String.valueOf(h.path()));
        if (!method.equals("CONNECT") || !protocol.equals("webtransport")) {
            respond(ctx, "404", true);
            return;
        }
        if (!q.path().startsWith("/wt/")) {
            respond(ctx, "404", true);
            return;
        }
        ServerConfig.AccessTokens access = kymux.config().access();
        String token = q.parameters().getOrDefault("token", List.of("")).get(0);
        if (access.viewToken() != null && !token.equals(access.viewToken()) && !token.equals(access.controlToken())) {
            respond(ctx, "401", true);
            return;
        }
        String name = StreamRegistry.normalize(q.path().substring("/wt/".length()));
        Optional<List<Feed>> feeds = kymux.resolve(name);
        if (feeds.isEmpty() || connection.full()) {
            respond(ctx, feeds.isEmpty() ? "404" : "429", true);
            return;
        }
        sessionId = ((QuicStreamChannel) ctx.channel()).streamId();
        boolean control = access.controlToken() != null && access.controlToken().equals(token);
        WebTransportViewer viewer = new WebTransportViewer(kymux, connection.quic(), sessionId, name, feeds.get(), control);
        viewer.session().followRate(kymux.followsRate(q.parameters(), control));
        connection.opened(viewer);
        respond(ctx, "200", false);
    }

    private static void respond(ChannelHandlerContext ctx, String status, boolean finish) {
        DefaultHttp3HeadersFrame r = new DefaultHttp3HeadersFrame();
        r.headers().status(status);
        r.headers().set("sec-webtransport-http3-draft", "draft02");
        var f = ctx.writeAndFlush(r);
        if (finish) {
            f.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        ReferenceCountUtil.release(frame); // capsules: kymux needs none
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3UnknownFrame frame) {
        ReferenceCountUtil.release(frame);
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
        end("the page closed the session");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end("CONNECT stream closed");
        super.channelInactive(ctx);
    }

    private void end(String reason) {
        if (sessionId >= 0) {
            connection.closed(sessionId, reason);
            sessionId = -1;
        }
    }
}
