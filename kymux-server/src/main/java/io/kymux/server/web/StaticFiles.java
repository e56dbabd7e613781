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

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "watch.html", "text/html; charset=utf-8",
            "js/player.js", "text/javascript; charset=utf-8",
            "js/media-message.js", "text/javascript; charset=utf-8",
            "js/websocket-transport.js", "text/javascript; charset=utf-8",
            "js/webrtc-transport.js", "text/javascript; charset=utf-8",
            "js/video-renderer.js", "text/javascript; charset=utf-8",
            "js/audio-renderer.js", "text/javascript; charset=utf-8",
            "js/overlay.js", "text/javascript; charset=utf-8",
            "js/index.js", "text/javascript; charset=utf-8");

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
