package io.kymux.server.http;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.core.ts.TsFeed;
import io.kymux.server.Kymux;
import io.kymux.server.ingest.IngestHandler;
import io.kymux.server.ingest.WebSocketIngestHandler;
import io.kymux.server.input.InjectorHandler;
import io.kymux.server.ts.TsIngestHandler;
import io.kymux.server.ts.TsViewerHandler;
import io.kymux.server.web.StaticFiles;
import io.kymux.server.ws.WebSocketSessionHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Routes each HTTP request on a connection. Streaming endpoints (ingest, WebSocket) take
 * the connection over by replacing this handler; everything else is answered here.
 */
public final class HttpRouter extends ChannelInboundHandlerAdapter {

    private static final int MAX_WS_FRAME = 64 * 1024;

    private final Kymux kymux;
    private final StaticFiles files;

    public HttpRouter(Kymux kymux, StaticFiles files) {
        this.kymux = kymux;
        this.files = files;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest req)) {
            ReferenceCountUtil.release(msg); // bodies of requests we answered already
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.startsWith("/ingest/") && (req.method().equals(HttpMethod.POST) || isUpgrade(req))) {
            ingest(ctx, req, path.substring("/ingest/".length()));
            return;
        }
        if (path.startsWith("/ts/") && req.method().equals(HttpMethod.POST)) {
            tsIngest(ctx, req, path.substring("/ts/".length()));
            return;
        }
        if (path.startsWith("/api/") && !req.method().equals(HttpMethod.GET)) {
            String denied = AdminGuard.check(kymux.config().adminToken(), req, ctx.channel().remoteAddress());
            if (denied != null) {
                ReferenceCountUtil.release(req);
                ApiHandler.error(ctx, HttpResponseStatus.UNAUTHORIZED, denied);
                return;
            }
            readBody(ctx, req, "api", new ApiHandler(kymux, files));
            return;
        }
        if ((path.startsWith("/whep/") || path.startsWith("/whip/")) && !req.method().equals(HttpMethod.GET)) {
            readBody(ctx, req, "whep", new WhepHandler(kymux, () -> new HttpRouter(kymux, files)));
            return;
        }
        try {
            route(ctx, req, path);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** {@code handler} gets the whole (small, bounded) request, answers it, and hands back. */
    private void readBody(ChannelHandlerContext ctx, HttpRequest req, String name, BodyHandler handler) {
        ctx.pipeline().addAfter(ctx.name(), BodyHandler.AGGREGATOR, new HttpObjectAggregator(ApiHandler.MAX_BODY));
        ctx.pipeline().addAfter(BodyHandler.AGGREGATOR, name, handler);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(req);
    }

    private void route(ChannelHandlerContext ctx, HttpRequest req, String path) {
        if (!req.method().equals(HttpMethod.GET)) {
            Responses.text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, req.method() + " not allowed on " + path, true);
        } else if (path.startsWith("/ws/")) {
            websocket(ctx, req, path.substring("/ws/".length()));
        } else if (path.startsWith("/input/")) {
            injector(ctx, req, StreamRegistry.normalize(path.substring("/input/".length())));
        } else if (path.equals("/api/server")) {
            Responses.json(ctx, HttpResponseStatus.OK, ApiJson.server(kymux));
        } else if (path.startsWith("/ts/")) {
            tsViewer(ctx, req, StreamRegistry.normalize(path.substring("/ts/".length())));
        } else if (path.equals("/") || path.equals("/index.html")) {
            file(ctx, "index.html");
        } else if (path.startsWith("/watch/")) {
            file(ctx, "watch.html");
        } else if (path.equals("/favicon.svg") || path.equals("/favicon.ico")) {
            file(ctx, "favicon.svg"); // browsers ask for /favicon.ico on every page; an SVG answers it
        } else if (path.startsWith("/js/")) {
            file(ctx, path.substring(1));
        } else if (path.startsWith("/api/streams") || path.startsWith("/api/destinations")) {
            ApiHandler.get(ctx, kymux, path);
        } else if (path.equals("/api/feeds")) {
            Responses.json(ctx, HttpResponseStatus.OK, ApiJson.feeds(kymux));
        } else if (path.equals("/api/sessions")) {
            Responses.json(ctx, HttpResponseStatus.OK, ApiJson.sessions(kymux));
        } else if (path.equals("/healthz") || path.equals("/readyz")) {
            // ready once every listener (TCP, QUIC, WebRTC) is bound, so /api/server is complete
            if (kymux.info().ready()) {
                Responses.text(ctx, HttpResponseStatus.OK, "ok", false);
            } else {
                Responses.text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "starting", false);
            }
        } else if (path.equals("/metrics")) {
            Responses.send(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    kymux.metrics().scrape().getBytes(StandardCharsets.UTF_8), false);
        } else {
            Responses.text(ctx, HttpResponseStatus.NOT_FOUND, "no such path: " + path, false);
        }
    }

    private void file(ChannelHandlerContext ctx, String name) {
        Optional<StaticFiles.File> f = files.get(name);
        if (f.isPresent()) {
            Responses.send(ctx, HttpResponseStatus.OK, f.get().contentType(), f.get().body(), false);
        } else {
            Responses.text(ctx, HttpResponseStatus.NOT_FOUND, "no such file: " + name, false);
        }
    }

    private void ingest(ChannelHandlerContext ctx, HttpRequest req, String name) {
        Optional<Feed> feed = Kymux.validName(name) ? kymux.feeds().getOrCreate(name) : Optional.empty();
        if (!claimed(ctx, req, name, feed, kymux::claimProducer)) {
            return;
        }
        feed.get().declareBitrate(declaredBitrate(req));
        if (isUpgrade(req)) {
            WebSocketServerHandshaker hs = handshaker(ctx, req, kymux.config().maxPacketSize() + 64);
            if (hs == null) {
                kymux.releaseProducer(name);
                ReferenceCountUtil.release(req);
                return;
            }
            ctx.pipeline().replace(this, "ingest", new WebSocketIngestHandler(kymux, feed.get(), hs, ctx.channel()));
            hs.handshake(ctx.channel(), req);
            ReferenceCountUtil.release(req);
            return;
        }
        IngestHandler h = new IngestHandler(kymux, feed.get(), ctx);
        ctx.pipeline().addAfter(ctx.name(), "ingest", h);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(req); // a FullHttpRequest also carries the first bytes
    }

    /** A producer's {@code ?bitrate=N} (bits per second: a rendition's ceiling); 0 when absent or not a number. */
    private static long declaredBitrate(HttpRequest req) {
        List<String> v = new QueryStringDecoder(req.uri()).parameters().getOrDefault("bitrate", List.of());
        try {
            return v.isEmpty() ? 0 : Math.max(0, Long.parseLong(v.get(0)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether a producer may publish to feed {@code name}: a valid name, room in the registry
     * ({@code feed} present) and no other producer. Otherwise answers 400/409 and closes.
     */
    private boolean claimed(ChannelHandlerContext ctx, HttpRequest req, String name, Optional<?> feed,
                            java.util.function.Predicate<String> claim) {
        String error = !Kymux.validName(name) ? "bad feed name '" + name + "': " + Kymux.NAME_RULE
                : feed.isEmpty() ? "too many feeds (limit " + kymux.config().maxFeeds() + ")"
                : !claim.test(name) ? "feed " + name + " already has a producer" : null;
        if (error == null) {
            return true;
        }
        ReferenceCountUtil.release(req);
        kymux.metrics().ingestError("rejected");
        Responses.text(ctx, error.startsWith("feed ") ? HttpResponseStatus.CONFLICT : HttpResponseStatus.BAD_REQUEST,
                error, true);
        return false;
    }

    /** A handshaker for this upgrade request, or null after answering that the version is unsupported. */
    private static WebSocketServerHandshaker handshaker(ChannelHandlerContext ctx, HttpRequest req, int maxFrame) {
        String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
        WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, null, false, maxFrame).newHandshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        }
        return hs;
    }

    private void tsIngest(ChannelHandlerContext ctx, HttpRequest req, String name) {
        Optional<TsFeed> feed = Kymux.validName(name) ? kymux.tsFeeds().getOrCreate(name) : Optional.empty();
        if (!claimed(ctx, req, name, feed, kymux::claimTsProducer)) {
            return;
        }
        ctx.pipeline().addAfter(ctx.name(), "ts-ingest", new TsIngestHandler(kymux, feed.get(), ctx));
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(req);
    }

    private void tsViewer(ChannelHandlerContext ctx, HttpRequest req, String name) {
        if (!isUpgrade(req)) {
            Responses.text(ctx, HttpResponseStatus.BAD_REQUEST, "WebSocket upgrade required (jsmpeg: new JSMpeg.Player('ws://host/ts/"
                    + name + "'))", false);
            return;
        }
        if (kymux.streams().get(name).isEmpty() && !Kymux.validName(name)) {
            Responses.text(ctx, HttpResponseStatus.NOT_FOUND, "no stream or feed named " + name, false);
            return;
        }
        WebSocketServerHandshaker hs = handshaker(ctx, req, MAX_WS_FRAME);
        if (hs != null) {
            TsViewerHandler viewer = new TsViewerHandler(kymux, hs, ctx.channel(), name);
            takeOver(ctx, req, hs, "ts-viewer", viewer, viewer::start);
        }
    }

    private void injector(ChannelHandlerContext ctx, HttpRequest req, String name) {
        if (!isUpgrade(req)) {
            Responses.text(ctx, HttpResponseStatus.BAD_REQUEST, "WebSocket upgrade required", false);
            return;
        }
        // injectors drive a real keyboard and mouse: local ones, or ones holding the admin token
        String denied = AdminGuard.check(kymux.config().adminToken(), req, ctx.channel().remoteAddress());
        if (denied != null) {
            Responses.text(ctx, HttpResponseStatus.UNAUTHORIZED, denied, true);
            return;
        }
        WebSocketServerHandshaker hs = handshaker(ctx, req, MAX_WS_FRAME);
        if (hs != null) {
            InjectorHandler h = new InjectorHandler(kymux, hs, ctx.channel(), name);
            takeOver(ctx, req, hs, "injector", h, h::start);
        }
    }

    /** The connection becomes {@code handler}'s; {@code start} runs once the upgrade response is out. */
    private void takeOver(ChannelHandlerContext ctx, HttpRequest req, WebSocketServerHandshaker hs, String name,
                          io.netty.channel.ChannelHandler handler, Runnable start) {
        ctx.pipeline().replace(this, name, handler);
        hs.handshake(ctx.channel(), req).addListener(f -> {
            if (f.isSuccess()) {
                start.run();
            }
        });
    }

    private static boolean isUpgrade(HttpRequest req) {
        return HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE, ""));
    }

    private void websocket(ChannelHandlerContext ctx, HttpRequest req, String name) {
        Optional<List<Feed>> feeds = kymux.resolve(name);
        if (feeds.isEmpty()) {
            Responses.text(ctx, HttpResponseStatus.NOT_FOUND, "no stream or feed named " + name, false);
            return;
        }
        if (!HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE, ""))) {
            Responses.text(ctx, HttpResponseStatus.BAD_REQUEST, "WebSocket upgrade required", false);
            return;
        }
        name = StreamRegistry.normalize(name);
        WebSocketServerHandshaker hs = handshaker(ctx, req, MAX_WS_FRAME);
        if (hs == null) {
            return;
        }
        java.util.Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
        boolean acks = query.getOrDefault("ack", List.of()).contains("1");
        WebSocketSessionHandler session = new WebSocketSessionHandler(kymux, hs, ctx.channel(), name, feeds.get(), acks);
        session.session().followRate(kymux.followsRate(query, false));
        takeOver(ctx, req, hs, "ws-session", session, session::start);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

}
