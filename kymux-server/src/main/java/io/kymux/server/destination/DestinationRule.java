package io.kymux.server.destination;

import java.net.URI;

/**
 * vw's destination rule: push {@code stream} (a stream or a single feed) to the WebSocket
 * URL {@code destination}; {@code id} names the rule, re-posting an id updates it.
 * Field names and order are vw's JSON shape, plus kymux's optional {@code fingerprint}: the
 * SHA-256 of a {@code wss://} peer's certificate to pin instead of trusting the JDK's CAs
 * (a self-signed peer kymux).
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record DestinationRule(String id, String stream, String destination, String fingerprint) {

    /** The placeholder a destination URL may contain, replaced per feed. */
    public static final String FEED = "{feed}";

    /** The fragment a pinned destination's URI carries inside the server (never sent: fragments are not). */
    static final String PIN = "pin=";

    public DestinationRule(String id, String stream, String destination) {
        this(id, stream, destination, null);
    }

    /**
     * The destination as a URI, with {@code {feed}} replaced by {@code feed}, and the pinned
     * fingerprint, if any, as its fragment: a changed pin is a changed target.
     */
    public URI uri(String feed) {
        URI u = URI.create(destination.replace(FEED, feed));
        return fingerprint == null ? u : URI.create(u.toString().replaceFirst("#.*$", "") + "#" + PIN + fingerprint);
    }

    /** The fingerprint a URI made by {@link #uri} pins, or null. */
    static String pinOf(URI u) {
        String f = u.getFragment();
        return f != null && f.startsWith(PIN) ? f.substring(PIN.length()) : null;
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
