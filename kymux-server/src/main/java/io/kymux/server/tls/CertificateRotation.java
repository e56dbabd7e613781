package io.kymux.server.tls;

import io.kymux.core.tls.Fingerprints;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's QUIC certificate over time. A self-signed one (≤ 14 days, what browsers
 * accept through {@code serverCertificateHashes}) is replaced {@link #ROTATE_BEFORE} before
 * it expires; a configured PEM one is kept. Handshakes take the current certificate from
 * {@link #keyManager()}, so connections made before a rotation go on with theirs and new
 * ones get the new one. Both hashes are published while the old one is valid, so a page
 * loaded just before the rotation can still connect. Driven by {@link #tick} with any clock.
 */
public final class CertificateRotation {

    public static final Duration ROTATE_BEFORE = Duration.ofDays(3);

    private final Function<Instant, ServerCertificate> issuer;
    private ServerCertificate current;
    private ServerCertificate previous;
    private int generation;

    private CertificateRotation(ServerCertificate first, Function<Instant, ServerCertificate> issuer) {
        this.current = first;
        this.issuer = issuer;
    }

    /** Self-signed certificates made by {@code issuer}, the first at {@code now}. */
    public static CertificateRotation selfSigned(Instant now, Function<Instant, ServerCertificate> issuer) {
        return new CertificateRotation(issuer.apply(now), issuer);
    }

    /** A configured certificate: never rotated here (its owner renews the files). */
    public static CertificateRotation fixed(ServerCertificate cert) {
        return new CertificateRotation(cert, null);
    }

    /** Rotates if due; true if it did. */
    public synchronized boolean tick(Instant now) {
        if (issuer == null || now.isBefore(current.notAfter().minus(ROTATE_BEFORE))) {
            return false;
        }
        previous = current;
        current = issuer.apply(now);
        generation++;
        return true;
    }

    /**
     * Puts a reloaded certificate in place of the current one (its files changed); handshakes
     * under way finish with the old one.
     */
    public synchronized void replace(ServerCertificate cert) {
        previous = current;
        current = cert;
        generation++;
    }

    /** Whether this rotation makes its own certificates (false for configured PEM files). */
    public boolean selfSigned() {
        return issuer != null;
    }

    public synchronized ServerCertificate current() {
        return current;
    }

    /** SHA-256 fingerprints a page may pin: the current certificate's, then the previous one's while it is valid. */
    public synchronized List<String> hashes(Instant now) {
        List<String> out = new ArrayList<>(List.of(current.fingerprint()));
        if (previous != null && now.isBefore(previous.notAfter())) {
            out.add(previous.fingerprint());
        }
        return out;
    }

    private synchronized String alias() {
        return "kymux-" + generation;
    }

    /** Hands each TLS handshake the certificate current at that moment. */
    public X509ExtendedKeyManager keyManager() {
        return new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                return alias();
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return alias();
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[] {alias()};
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return certificateFor(alias).chain();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return certificateFor(alias).key();
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return null;
            }
        };
    }

    /** The certificate an alias named (an old alias during a rotation gets the previous one). */
    private synchronized ServerCertificate certificateFor(String alias) {
        return alias.equals("kymux-" + generation) || previous == null ? current : previous;
    }

    /** The fingerprint form browsers' {@code serverCertificateHashes} take: the raw SHA-256 as hex. */
    public static String hex(String fingerprint) {
        return Fingerprints.normalise(fingerprint).replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }
}
