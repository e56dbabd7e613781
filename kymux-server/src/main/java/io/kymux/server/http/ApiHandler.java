package io.kymux.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.server.Kymux;
import io.kymux.server.web.StaticFiles;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vw-compatible control API (docs/api.md): {@code /api/streams}. Request bodies are
 * small JSON documents; a bad one gets {@code 400 {"error": "..."}} saying what was wrong.
 * After answering, the connection goes back to the router for its next request.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final int MAX_BODY = 64 * 1024;
    static final int MAX_STREAMS = 1024;
    static final int MAX_FEEDS_PER_STREAM = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Kymux kymux;
    private final StaticFiles files;

    ApiHandler(Kymux kymux, StaticFiles files) {
        this.kymux = kymux;
        this.files = files;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        try {
            if (req.method().equals(HttpMethod.POST) && path.equals("/api/streams")) {
                postStream(ctx, req.content().toString(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.DELETE) && path.equals("/api/streams/all")) {
                kymux.removeAllStreams();
                Responses.json(ctx, HttpResponseStatus.OK, "{}".getBytes(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.DELETE) && path.startsWith("/api/streams/")) {
                String name = StreamRegistry.normalize(path.substring("/api/streams/".length()));
                if (kymux.removeStream(name)) {
                    Responses.json(ctx, HttpResponseStatus.OK, JSON.writeValueAsBytes(name));
                } else {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "no stream named " + name);
                }
            } else {
                error(ctx, HttpResponseStatus.NOT_FOUND, req.method() + " " + path + " is not part of the API");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getOriginalMessage());
        } finally {
            ctx.pipeline().remove("api-body");
            ctx.pipeline().replace(this, "router", new HttpRouter(kymux, files));
        }
    }

    private void postStream(ChannelHandlerContext ctx, String body) throws com.fasterxml.jackson.core.JsonProcessingException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "invalid JSON: " + e.getOriginalMessage());
            return;
        }
        if (n == null || !n.isObject()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "expected a JSON object like {\"stream\":\"stream/a\",\"feeds\":[\"video0\"]}");
            return;
        }
        JsonNode stream = n.get("stream");
        JsonNode feeds = n.get("feeds");
        if (stream == null || !stream.isTextual() || StreamRegistry.normalize(stream.asText()).isEmpty()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "field 'stream' must be a non-empty string");
            return;
        }
        if (feeds == null || !feeds.isArray()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "field 'feeds' must be an array of feed names");
            return;
        }
        if (feeds.size() > MAX_FEEDS_PER_STREAM) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "a stream has at most " + MAX_FEEDS_PER_STREAM + " feeds");
            return;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode f : feeds) {
            if (!f.isTextual() || !Kymux.validName(f.asText())) {
                error(ctx, HttpResponseStatus.BAD_REQUEST, "bad feed name " + f + ": use 1-64 of A-Z a-z 0-9 . _ -");
                return;
            }
            if (!names.contains(f.asText())) {
                names.add(f.asText());
            }
        }
        String name = StreamRegistry.normalize(stream.asText());
        if (kymux.streams().get(name).isEmpty() && kymux.streams().all().size() >= MAX_STREAMS) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "too many streams (limit " + MAX_STREAMS + ")");
            return;
        }
        List<String> unknown = kymux.putStream(name, names);
        ObjectNode out = JSON.createObjectNode();
        out.put("stream", name);
        names.forEach(out.putArray("feeds")::add);
        if (!unknown.isEmpty()) {
            unknown.forEach(u -> out.withArray("unknownFeeds").add(u));
        }
        Responses.json(ctx, HttpResponseStatus.OK, JSON.writeValueAsBytes(out));
    }

    /** GET /api/streams/all and /api/streams/{name}. */
    static void get(ChannelHandlerContext ctx, Kymux kymux, String path) {
        try {
            if (path.equals("/api/streams/all") || path.equals("/api/streams")) {
                Responses.json(ctx, HttpResponseStatus.OK, JSON.writeValueAsBytes(kymux.streams().all()));
            } else if (path.startsWith("/api/streams/")) {
                String name = StreamRegistry.normalize(path.substring("/api/streams/".length()));
                var feeds = kymux.streams().get(name);
                if (feeds.isPresent()) {
                    Responses.json(ctx, HttpResponseStatus.OK, JSON.writeValueAsBytes(Map.of(name, feeds.get())));
                } else {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "no stream named " + name);
                }
            } else {
                error(ctx, HttpResponseStatus.NOT_FOUND, "GET " + path + " is not part of the API yet");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getOriginalMessage());
        }
    }

    static void error(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        Responses.json(ctx, status, o.toString().getBytes(StandardCharsets.UTF_8));
    }
}
