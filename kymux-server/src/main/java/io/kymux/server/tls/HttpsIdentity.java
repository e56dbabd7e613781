package io.kymux.server.tls;

import io.kymux.server.ServerConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The certificate of the HTTP port's TLS: the configured PEM files (watched, see
 * {@link PemFiles}), or a self-signed one for this machine's names, kept in the state
 * directory ({@link StoredCertificate}) or, with none, made for this run only.
 */
public final class HttpsIdentity {

    private final CertificateRotation certificates;
    private final PemFiles pem;
    private final Path stateDir;
    private final MachineNames names;

    private HttpsIdentity(CertificateRotation certificates, PemFiles pem, Path stateDir, MachineNames names) {
        this.certificates = certificates;
        this.pem = pem;
        this.stateDir = stateDir;
        this.names = names;
    }

    /** Loads or makes the identity {@code tls} asks for; a file that cannot be read is an error for the user. */
    public static HttpsIdentity of(ServerConfig.TlsConfig tls, MachineNames names, Instant now) {
        try {
            if (tls.certFile() != null) {
                PemFiles pem = new PemFiles(tls.certFile(), tls.keyFile());
                return new HttpsIdentity(CertificateRotation.fixed(pem.load()), pem, null, names);
            }
            ServerCertificate cert = tls.stateDir() == null
                    ? ServerCertificate.issue(ServerCertificate.newKeyPair(), now, StoredCertificate.VALIDITY, names)
                    : StoredCertificate.loadOrCreate(tls.stateDir(), names, now);
            return new HttpsIdentity(CertificateRotation.fixed(cert), null, tls.stateDir(), names);
        } catch (IOException | RuntimeException e) {
            String what = tls.certFile() != null ? "the certificate " + tls.certFile() + " / " + tls.keyFile()
                    : "the HTTPS certificate in " + tls.stateDir() + " (--state-dir, env KYMUX_STATE_DIR)";
            throw new IllegalArgumentException("cannot load " + what + ": " + e.getMessage(), e);
        }
    }

    /** The certificates handshakes take (one fixed certificate, replaced on reload or renewal). */
    public CertificateRotation certificates() {
        return certificates;
    }

    /** The watched PEM files, or null for a self-signed certificate. */
    public PemFiles pem() {
        return pem;
    }

    /** Where the certificate comes from, for the start-up line. */
    public String origin() {
        return pem != null ? "from " + pem.certFile() : stateDir != null ? "self-signed, kept in " + stateDir
                : "self-signed for this run";
    }

    /** Renews a stored self-signed certificate about to expire (same key); true if it did. */
    public boolean renewIfDue(Instant now) {
        if (stateDir == null || now.isBefore(certificates.current().notAfter().minus(StoredCertificate.RENEW_BEFORE))) {
            return false;
        }
        try {
            certificates.replace(StoredCertificate.loadOrCreate(stateDir, names, now));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A server TLS context whose handshakes take the certificate current at that moment. The
     * JDK's context, wrapped: Netty's builder for a JDK server context first parses a test
     * key, and with BouncyCastle on the class path that builds a whole BouncyCastle provider
     * the server never uses (about 1600 services on the heap; an idle server's RSS 4 MB more).
     */
    public SslContext serverContext() {
        try {
            SSLContext jdk = SSLContext.getInstance("TLS");
            jdk.init(new KeyManager[] {certificates.keyManager()}, null, null);
            return new JdkSslContext(jdk, false, null, IdentityCipherSuiteFilter.INSTANCE, ApplicationProtocolConfig.DISABLED,
                    ClientAuth.NONE, null, false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
