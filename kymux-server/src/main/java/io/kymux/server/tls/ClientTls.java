package io.kymux.server.tls;

import io.kymux.core.tls.PinnedTrustManager;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import javax.net.ssl.SSLException;

/**
 * TLS for kymux's outgoing connections to {@code wss://} and {@code https://} URLs
 * (captures, destinations): verified against the JDK's trusted CAs and the host name, or,
 * given a SHA-256 fingerprint, against exactly that certificate (a self-signed peer kymux;
 * its name is then not checked, the pin says more than a name could).
 */
public final class ClientTls {

    private static volatile SslContext trusted;

    private ClientTls() {
    }

    /** Whether {@code url} asks for TLS. */
    public static boolean secure(URI url) {
        return "wss".equals(url.getScheme()) || "https".equals(url.getScheme());
    }

    /** The port {@code url} names, or its scheme's default. */
    public static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : secure(url) ? 443 : 80;
    }

    /** A handler for a connection to {@code url}; {@code fingerprint} null: the JDK's trust store. */
    public static SslHandler handler(ByteBufAllocator alloc, URI url, String fingerprint) {
        SslContext ctx = fingerprint == null ? trusted() : pinned(fingerprint);
        return ctx.newHandler(alloc, url.getHost(), port(url));
    }

    private static SslContext pinned(String fingerprint) {
        try {
            return SslContextBuilder.forClient().trustManager(new PinnedTrustManager(fingerprint)).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static SslContext trusted() {
        SslContext c = trusted;
        if (c == null) {
            try {
                c = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
            trusted = c;
        }
        return c;
    }
}
