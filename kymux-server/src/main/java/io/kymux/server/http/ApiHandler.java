package io.kymux.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.core.io.Json;
import io.kymux.server.Kymux;
import io.kymux.server.destination.DestinationRule;
import io.kymux.server.destination.Destinations;
import io.kymux.server.web.StaticFiles;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vw-compatible control API (docs/api.md): {@code /api/streams} and {@code /api/destinations}. Request bodies are
 * small JSON documents; a bad one gets {@code 400 {"error": "..."}} saying what was wrong.
 * After answering, the connection goes back to the router for its next request.
 */
final class ApiHandler extends BodyHandler {

    static final int MAX_BODY = 64 * 1024;
    static final int MAX_STREAMS = 1024;
    static final int MAX_FEEDS_PER_STREAM = 64;

    private final Kymux kymux;
    private final StaticFiles files;

    ApiHandler(Kymux kymux, StaticFiles files) {
        super(() -> new HttpRouter(kymux, files));
        this.kymux = kymux;
        this.files = files;
    }

    @Override
    protected void answer(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        try {
            if (req.method().equals(HttpMethod.POST) && path.equals("/api/streams")) {
                postStream(ctx, req.content().toString(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.POST) && path.equals("/api/feeds")) {
                postPull(ctx, req.content().toString(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.DELETE) && path.startsWith("/api/feeds/")) {
                String feed = path.substring("/api/feeds/".length());
                if (kymux.pulls().remove(feed)) {
                    Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(feed));
                } else {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "feed " + feed + " is not pulled");
                }
            } else if (req.method().equals(HttpMethod.PUT) && path.startsWith("/api/sessions/") && path.endsWith("/rendition")) {
                putRendition(ctx, path.substring("/api/sessions/".length(), path.length() - "/rendition".length()),
                        req.content().toString(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.POST) && path.equals("/api/destinations")) {
                postDestination(ctx, req.content().toString(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.DELETE) && path.equals("/api/destinations/all")) {
                kymux.destinations().removeAll();
                Responses.json(ctx, HttpResponseStatus.OK, "{}".getBytes(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.DELETE) && path.startsWith("/api/destinations/")) {
                String id = path.substring("/api/destinations/".length());
                if (kymux.destinations().remove(id)) {
                    Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(id));
                } else {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "no destination with id " + id);
                }
            } else if (req.method().equals(HttpMethod.DELETE) && path.equals("/api/streams/all")) {
                kymux.removeAllStreams();
                Responses.json(ctx, HttpResponseStatus.OK, "{}".getBytes(StandardCharsets.UTF_8));
            } else if (req.method().equals(HttpMethod.DELETE) && path.startsWith("/api/streams/")) {
                String name = StreamRegistry.normalize(path.substring("/api/streams/".length()));
                if (kymux.removeStream(name)) {
                    Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(name));
                } else {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "no stream named " + name);
                }
            } else {
                error(ctx, HttpResponseStatus.NOT_FOUND, req.method() + " " + path + " is not part of the API");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getOriginalMessage());
        }
    }

    private static String fingerprintProblem(String fingerprint) {
        try {
            io.kymux.core.tls.Fingerprints.normalise(fingerprint);
            return null;
        } catch (IllegalArgumentException e) {
            return "field 'fingerprint': " + e.getMessage();
        }
    }

    private void postDestination(ChannelHandlerContext ctx, String body) throws com.fasterxml.jackson.core.JsonProcessingException {
        JsonNode n = parseObject(ctx, body, "{\"stream\":\"stream/a\",\"destination\":\"wss://relay/in/a\",\"id\":\"0\"}");
        if (n == null) {
            return;
        }
        String stream = text(n, "stream");
        String url = text(n, "destination");
        String id = text(n, "id");
        String fingerprint = text(n, "fingerprint");
        String problem = fingerprint != null && fingerprintProblem(fingerprint) != null ? fingerprintProblem(fingerprint)
                : stream == null || StreamRegistry.normalize(stream).isEmpty() ? "field 'stream' must be a non-empty string"
                : url == null ? "field 'destination' must be a ws:// or wss:// URL"
                : id == null || !Kymux.validName(id) ? "field 'id' must be a string: " + Kymux.NAME_RULE
                : DestinationRule.problemWith(url);
        if (problem != null) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, problem);
            return;
        }
        var stored = kymux.destinations().put(new DestinationRule(id, stream, url,
                fingerprint == null ? null : io.kymux.core.tls.Fingerprints.normalise(fingerprint)));
        if (stored.isEmpty()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "too many destinations (limit " + Destinations.MAX + ")");
            return;
        }
        Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(stored.get()));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** The body as a JSON object, or null after answering 400 (with an example of what is expected). */
    private static JsonNode parseObject(ChannelHandlerContext ctx, String body, String example) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "invalid JSON: " + e.getOriginalMessage());
            return null;
        }
        if (n == null || !n.isObject()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "expected a JSON object like " + example);
            return null;
        }
        return n;
    }

    /** {@code POST /api/feeds {"feed":"cam1","pull":"rtsp://…"}}: the server pulls the source into the feed. */
    private void postPull(ChannelHandlerContext ctx, String body) throws com.fasterxml.jackson.core.JsonProcessingException {
        JsonNode n = parseObject(ctx, body, "{\"feed\":\"cam1\",\"pull\":\"rtsp://camera:554/stream\"}");
        if (n == null) {
            return;
        }
        JsonNode feed = n.get("feed");
        JsonNode pull = n.get("pull");
        if (feed == null || !feed.isTextual() || pull == null || !pull.isTextual()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "fields 'feed' and 'pull' must be strings");
            return;
        }
        String problem = kymux.pulls().add(feed.asText(), pull.asText());
        if (problem != null) {
            error(ctx, problem.contains("already") ? HttpResponseStatus.CONFLICT : HttpResponseStatus.BAD_REQUEST, problem);
            return;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("feed", feed.asText());
        out.put("pull", pull.asText());
        Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(out));
    }

    /**
     * Pins a viewer's track to one rendition ({@code {"track":0,"feed":"video0~360p"}}), or
     * lets it follow its link again ({@code "feed":null}).
     */
    private void putRendition(ChannelHandlerContext ctx, String id, String body)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        io.kymux.core.session.Session session;
        try {
            session = kymux.session(Long.parseLong(id)).orElse(null);
        } catch (NumberFormatException e) {
            session = null;
        }
        if (session == null) {
            error(ctx, HttpResponseStatus.NOT_FOUND, "no session " + id);
            return;
        }
        JsonNode o = parseObject(ctx, body, "{\"track\":0,\"feed\":\"video0~360p\"}");
        if (o == null) {
            return;
        }
        JsonNode track = o.get("track");
        JsonNode feed = o.get("feed");
        int t = track == null ? 0 : track.asInt(-1);
        if (feed == null || !(feed.isNull() || (feed.isTextual() && Kymux.validName(feed.asText())))) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "field 'feed' must be a rendition's feed name, or null to follow the link");
            return;
        }
        if (t < 0 || t >= session.tracks().size()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "session " + id + " has no track " + t);
            return;
        }
        session.pinRendition(t, feed.isNull() ? null : feed.asText());
        Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(o));
    }

    private void postStream(ChannelHandlerContext ctx, String body) throws com.fasterxml.jackson.core.JsonProcessingException {
        JsonNode n = parseObject(ctx, body, "{\"stream\":\"stream/a\",\"feeds\":[\"video0\"]}");
        if (n == null) {
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
                error(ctx, HttpResponseStatus.BAD_REQUEST, "bad feed name " + f + ": " + Kymux.NAME_RULE);
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
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("stream", name);
        names.forEach(out.putArray("feeds")::add);
        if (!unknown.isEmpty()) {
            unknown.forEach(u -> out.withArray("unknownFeeds").add(u));
        }
        Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(out));
    }

    /** GET /api/streams/all, /api/streams/{name}, /api/destinations/all and /api/destinations/{id}. */
    static void get(ChannelHandlerContext ctx, Kymux kymux, String path) {
        try {
            if (path.equals("/api/destinations/all") || path.equals("/api/destinations")) {
                Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(kymux.destinations().all()));
            } else if (path.startsWith("/api/destinations/")) {
                String rest = path.substring("/api/destinations/".length());
                boolean summary = rest.endsWith("/status");
                String id = summary ? rest.substring(0, rest.length() - "/status".length()) : rest;
                var rule = kymux.destinations().get(id);
                if (rule.isPresent()) {
                    ObjectNode o = Json.MAPPER.valueToTree(rule.get());
                    if (summary) {
                        o.setAll((ObjectNode) Json.MAPPER.valueToTree(kymux.destinations().summary(id).orElse(Map.of())));
                    }
                    o.set("links", Json.MAPPER.valueToTree(kymux.destinations().status(id).orElse(Map.of())));
                    Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(o));
                } else {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "no destination with id " + id);
                }
            } else if (path.equals("/api/streams/all") || path.equals("/api/streams")) {
                Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(kymux.streams().all()));
            } else if (path.startsWith("/api/streams/")) {
                String name = StreamRegistry.normalize(path.substring("/api/streams/".length()));
                var feeds = kymux.streams().get(name);
                if (feeds.isPresent()) {
                    Responses.json(ctx, HttpResponseStatus.OK, Json.MAPPER.writeValueAsBytes(Map.of(name, feeds.get())));
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
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("error", message);
        Responses.json(ctx, status, o.toString().getBytes(StandardCharsets.UTF_8));
    }
}
