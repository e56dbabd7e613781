package io.kymux.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A certificate and key given as PEM files, watched for a change of content: a renewal (certbot, an
 * operator's copy) is picked up without a restart. A half-written pair that fails to load
 * is tried again at the next change of either file; until then the last good one stays.
 */
public final class PemFiles {

    private final Path certFile;
    private final Path keyFile;
    private String seen;

    public PemFiles(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    /** Loads the pair now (at start: a bad file is an error the user must see). */
    public ServerCertificate load() throws IOException {
        seen = stamp();
        return ServerCertificate.fromPem(certFile, keyFile);
    }

    /** The pair again if either file changed since the last look; empty if none did. */
    public Optional<ServerCertificate> reloadIfChanged() throws IOException {
        String now = stamp();
        if (now.equals(seen)) {
            return Optional.empty();
        }
        seen = now;
        return Optional.of(ServerCertificate.fromPem(certFile, keyFile));
    }

    public Path certFile() {
        return certFile;
    }

    /** What the two files hold, hashed: a few KiB read every few seconds, and no clock resolution to trust. */
    private String stamp() throws IOException {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(Files.readAllBytes(certFile));
            d.update(Files.readAllBytes(keyFile));
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
