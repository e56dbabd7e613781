package io.kymux.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The self-signed HTTPS certificate kept in the state directory, so that a browser
 * exception made once keeps working across restarts. It is reused while it names every
 * current name of the machine and has {@link #RENEW_BEFORE} left; otherwise it is reissued
 * for the old and new names with the same key, so an exception pinned to the key
 * (Chromium's SPKI list) survives even that.
 */
public final class StoredCertificate {

    /** Within the 825 days Apple's clients accept for a TLS server certificate of any issuer. */
    public static final Duration VALIDITY = Duration.ofDays(397);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final String CERT_FILE = "https-cert.pem";
    static final String KEY_FILE = "https-key.pem";
    static final String QUIC_CERT_FILE = "quic-cert.pem";
    static final String QUIC_KEY_FILE = "quic-key.pem";

    private StoredCertificate() {
    }

    /** The certificate in {@code dir} for {@code names}, made or renewed there if needed. */
    public static ServerCertificate loadOrCreate(Path dir, MachineNames names, Instant now) throws IOException {
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            ServerCertificate stored = ServerCertificate.fromPem(certFile, keyFile);
            MachineNames had = MachineNames.of(stored.certificate());
            if (had.covers(names) && now.isBefore(stored.notAfter().minus(RENEW_BEFORE))) {
                return stored;
            }
            KeyPair same = new KeyPair(stored.certificate().getPublicKey(), stored.key());
            ServerCertificate renewed = ServerCertificate.issue(same, now, VALIDITY, had.plus(names));
            write(certFile, pem(renewed.certificate()), false);
            return renewed;
        }
        Files.createDirectories(dir);
        ServerCertificate made = ServerCertificate.issue(ServerCertificate.newKeyPair(), now, VALIDITY, names);
        write(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(made.key(), null)), true);
        write(certFile, pem(made.certificate()), false);
        return made;
    }

    /**
     * The short-lived self-signed QUIC certificate (kymux/1, WebTransport) kept in {@code dir},
     * so a native client pinning its fingerprint reconnects after a server restart: the stored
     * one while {@link CertificateRotation#ROTATE_BEFORE} of it is left, else a new one, stored.
     */
    public static ServerCertificate quic(Path dir, Instant now) {
        Path certFile = dir.resolve(QUIC_CERT_FILE);
        Path keyFile = dir.resolve(QUIC_KEY_FILE);
        try {
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                ServerCertificate stored = ServerCertificate.fromPem(certFile, keyFile);
                if (now.isBefore(stored.notAfter().minus(CertificateRotation.ROTATE_BEFORE))
                        && !now.isBefore(stored.certificate().getNotBefore().toInstant().minus(Duration.ofDays(1)))) {
                    return stored;
                }
            }
            Files.createDirectories(dir);
            ServerCertificate made = ServerCertificate.selfSigned(now);
            write(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(made.key(), null)), true);
            write(certFile, pem(made.certificate()), false);
            return made;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the QUIC certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** Writes through a temporary file and a rename, so a crash never leaves half a PEM; a key is 0600. */
    private static void write(Path file, String text, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its own defaults apply
                }
            }
            try (Writer w = Files.newBufferedWriter(tmp)) {
                w.write(text);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
