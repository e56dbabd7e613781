package io.kymux.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may change routes through the API. Without a configured token only loopback
 * clients may (the admin API is effectively bound to loopback while media is public);
 * with a token every change needs {@code Authorization: Bearer <token>}, from anywhere.
 */
final class AdminGuard {

    private AdminGuard() {
    }

    /** Null if allowed, else why not. */
    static String check(String token, HttpRequest req, SocketAddress remote) {
        if (token == null) {
            boolean loopback = remote instanceof InetSocketAddress a && a.getAddress() != null
                    && a.getAddress().isLoopbackAddress();
            return loopback ? null : "API changes are accepted from loopback only; set KYMUX_ADMIN_TOKEN to allow others";
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        String given = auth.startsWith("Bearer ") ? auth.substring("Bearer ".length()) : "";
        // constant-time comparison, so response timing does not reveal the token
        boolean ok = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
        return ok ? null : "missing or wrong 'Authorization: Bearer' token";
    }
}
