package io.kymux.server.http;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.server.Kymux;
import io.kymux.server.ServerConfig;
import io.kymux.server.webrtc.WebRtcServer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * WHEP (RFC 9725) for WebRTC viewers: {@code POST /whep/{stream-or-feed}} with an SDP offer
 * → {@code 201 Created}, {@code Location: /whep/{name}/{session}} and the answer;
 * {@code DELETE} on that resource ends the session; {@code POST {resource}/stats} takes the
 * player's statistics (as the WebSocket player's {@code stats} message). kymux is ICE-lite
 * and puts its candidate in the answer, so trickle ICE ({@code PATCH}) is not needed: 405.
 * With a view token configured, requests carry it as {@code Authorization: Bearer} or {@code ?token=}.
 */
final class WhepHandler extends BodyHandler {

    private final Kymux kymux;

    WhepHandler(Kymux kymux, Supplier<ChannelHandler> router) {
        super(router);
        this.kymux = kymux;
    }

    @Override
    protected void answer(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        boolean whip = q.path().startsWith("/whip/");
        String[] parts = q.path().substring("/whep/".length()).split("/");
        HttpMethod m = req.method();
        if (m.equals(HttpMethod.OPTIONS)) {
            FullHttpResponse r = response(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, DELETE, OPTIONS");
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Authorization");
            ctx.writeAndFlush(r);
            return;
        }
        String denied = whip ? null : tokenProblem(req, q); // a publisher is a producer: as open as /ingest
        if (denied != null) {
            text(ctx, HttpResponseStatus.UNAUTHORIZED, denied);
            return;
        }
        WebRtcServer webrtc = kymux.webrtc();
        if (webrtc == null) {
            text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "this server has no WebRTC (--webrtc-port off)");
            return;
        }
        if (whip && m.equals(HttpMethod.POST) && parts.length == 1) {
            publish(ctx, req, parts[0], webrtc);
        } else if (whip && m.equals(HttpMethod.POST)) {
            text(ctx, HttpResponseStatus.NOT_FOUND, "POST " + q.path() + " is not part of WHIP here");
        } else if (m.equals(HttpMethod.POST) && parts.length == 1) {
            offer(ctx, req, StreamRegistry.normalize(parts[0]), webrtc);
        } else if (m.equals(HttpMethod.DELETE) && parts.length == 2) {
            long id = id(parts[1]);
            if (webrtc.close(id)) {
                ctx.writeAndFlush(response(HttpResponseStatus.OK, null, new byte[0]));
            } else {
                text(ctx, HttpResponseStatus.NOT_FOUND, "no WebRTC session " + parts[1]);
            }
        } else if (m.equals(HttpMethod.POST) && parts.length == 3 && parts[2].equals("stats")) {
            long id = id(parts[1]);
            if (!webrtc.has(id)) {
                text(ctx, HttpResponseStatus.NOT_FOUND, "no WebRTC session " + parts[1]);
                return;
            }
            try {
                kymux.viewerReports().accept(id, req.content().toString(StandardCharsets.UTF_8));
                ctx.writeAndFlush(response(HttpResponseStatus.NO_CONTENT, null, new byte[0]));
            } catch (IllegalArgumentException e) {
                text(ctx, HttpResponseStatus.BAD_REQUEST, "bad stats: " + e.getMessage());
            }
        } else if (m.equals(HttpMethod.PATCH)) {
            text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "trickle ICE is not needed: kymux is ICE-lite and its answer carries its candidate");
        } else {
            text(ctx, HttpResponseStatus.NOT_FOUND, m + " " + q.path() + " is not part of WHEP here");
        }
    }

    private void offer(ChannelHandlerContext ctx, FullHttpRequest req, String name, WebRtcServer webrtc) {
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/sdp")) {
            text(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "a WHEP offer is Content-Type: application/sdp");
            return;
        }
        Optional<List<Feed>> feeds = kymux.resolve(name);
        if (feeds.isEmpty()) {
            text(ctx, HttpResponseStatus.NOT_FOUND, "no stream or feed named " + name);
            return;
        }
        answer(ctx, "/whep/" + name, () -> webrtc.open(name, feeds.get(),
                req.content().toString(StandardCharsets.UTF_8), candidateHost(ctx)), () -> { });
    }

    /**
     * Answers an offer: {@code 201} with the answer and its resource under {@code base}, or
     * the reason it cannot be answered; {@code refused} runs then.
     */
    private static void answer(ChannelHandlerContext ctx, String base, Supplier<WebRtcServer.Answer> open,
                               Runnable refused) {
        try {
            WebRtcServer.Answer a = open.get();
            FullHttpResponse r = response(HttpResponseStatus.CREATED, "application/sdp",
                    a.sdp().getBytes(StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.LOCATION, base + "/" + a.sessionId());
            ctx.writeAndFlush(r);
        } catch (IllegalArgumentException e) {
            refused.run();
            text(ctx, HttpResponseStatus.BAD_REQUEST, "cannot answer this offer: " + e.getMessage());
        } catch (IllegalStateException e) {
            refused.run();
            text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    /** {@code POST /whip/{feed}}: a WebRTC publisher into the feed, which must have no other producer. */
    private void publish(ChannelHandlerContext ctx, FullHttpRequest req, String feedName, WebRtcServer webrtc) {
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/sdp")) {
            text(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "a WHIP offer is Content-Type: application/sdp");
            return;
        }
        io.kymux.server.Kymux.FeedClaim claim = kymux.claimFeed(feedName);
        if (!claim.granted()) {
            text(ctx, claim.taken() ? HttpResponseStatus.CONFLICT : HttpResponseStatus.BAD_REQUEST, claim.refusal());
            return;
        }
        answer(ctx, "/whip/" + feedName, () -> webrtc.publish(feedName, claim.feed(),
                req.content().toString(StandardCharsets.UTF_8), candidateHost(ctx)), () -> kymux.releaseProducer(feedName));
    }

    /** The configured candidate host, or the local address the viewer's request reached. */
    private InetAddress candidateHost(ChannelHandlerContext ctx) {
        String host = kymux.config().webrtc().host();
        if (host != null) {
            try {
                return InetAddress.getByName(host); // resolved once per offer; an IP literal in practice
            } catch (UnknownHostException e) {
                throw new IllegalStateException("--webrtc-host " + host + " does not resolve");
            }
        }
        return ((InetSocketAddress) ctx.channel().localAddress()).getAddress();
    }

    private String tokenProblem(FullHttpRequest req, QueryStringDecoder q) {
        ServerConfig.AccessTokens access = kymux.config().access();
        if (access.viewToken() == null) {
            return null;
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        String token = auth.startsWith("Bearer ") ? auth.substring(7).trim()
                : q.parameters().getOrDefault("token", List.of("")).get(0);
        boolean ok = token.equals(access.viewToken()) || token.equals(access.controlToken());
        return ok ? null : "a valid view token is required to watch (Authorization: Bearer ...)";
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        ctx.writeAndFlush(response(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** Every WHEP answer may be read by a page of any origin (CORS), Location included. */
    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = Responses.of(status, type, body);
        r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        r.headers().set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Location");
        return r;
    }
}
