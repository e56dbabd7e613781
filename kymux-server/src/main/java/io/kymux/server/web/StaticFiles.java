package io.kymux.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The web player's files, served from the classpath by an allow-list of names. */
public final class StaticFiles {

    public record File(String contentType, byte[] body) {
    }

    private static final String JS = "text/javascript; charset=utf-8";
    private static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("index.html", "text/html; charset=utf-8"),
            Map.entry("watch.html", "text/html; charset=utf-8"),
            Map.entry("js/player.js", JS),
            Map.entry("js/media-message.js", JS),
            Map.entry("js/websocket-transport.js", JS),
            Map.entry("js/webrtc-transport.js", JS),
            Map.entry("js/webtransport-transport.js", JS),
            Map.entry("js/stats-report.js", JS),
            Map.entry("js/video-renderer.js", JS),
            Map.entry("js/audio-renderer.js", JS),
            Map.entry("js/overlay.js", JS),
            Map.entry("js/index.js", JS),
            Map.entry("js/capabilities.js", JS),
            Map.entry("js/stream-state.js", JS),
            Map.entry("js/codecs-sink.js", JS),
            Map.entry("favicon.svg", "image/svg+xml"));

    private final Map<String, File> cache = new ConcurrentHashMap<>();

    public Optional<File> get(String name) {
        String type = FILES.get(name);
        if (type == null) {
            return Optional.empty();
        }
        return Optional.of(cache.computeIfAbsent(name, n -> new File(type, load(n))));
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing web resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
