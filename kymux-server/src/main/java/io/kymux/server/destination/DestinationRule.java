package io.kymux.server.destination;

import java.net.URI;

/**
 * vw's destination rule: push {@code stream} (a stream or a single feed) to the WebSocket
 * URL {@code destination}; {@code id} names the rule, re-posting an id updates it.
 * Field names and order are vw's JSON shape.
 */
public record DestinationRule(String id, String stream, String destination) {

    /** The placeholder a destination URL may contain, replaced per feed. */
    public static final String FEED = "{feed}";

    /** The destination as a URI, with {@code {feed}} replaced by {@code feed}. */
    public URI uri(String feed) {
        return URI.create(destination.replace(FEED, feed));
    }

    /** Why {@code url} cannot be a destination, or null if it can. */
    public static String problemWith(String url) {
        URI u;
        try {
            u = new URI(url.replace(FEED, "feed"));
        } catch (java.net.URISyntaxException e) {
            return "destination is not a URL: " + e.getMessage();
        }
        if (!"ws".equals(u.getScheme()) && !"wss".equals(u.getScheme())) {
            return "destination must be a ws:// or wss:// URL, got " + url;
        }
        if (u.getHost() == null) {
            return "destination has no host: " + url;
        }
        return null;
    }
}
