package io.kymux.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * The server's TLS identity for QUIC (and WebTransport): a self-signed ECDSA P-256
 * certificate made at start, valid 14 days from an hour ago (the most browsers accept
 * for {@code serverCertificateHashes}), or a certificate and key loaded from PEM files.
 * Clients pin its SHA-256 fingerprint, so no CA is needed and nothing is unverified.
 */
public record ServerCertificate(X509Certificate certificate, PrivateKey key, java.util.List<X509Certificate> intermediates) {

    public static final Duration VALIDITY = Duration.ofDays(14);

    public ServerCertificate {
        intermediates = java.util.List.copyOf(intermediates);
    }

    /** A certificate with no intermediates (self-signed). */
    public ServerCertificate(X509Certificate certificate, PrivateKey key) {
        this(certificate, key, java.util.List.of());
    }

    /** The chain a TLS server sends: the certificate, then its intermediates. */
    public X509Certificate[] chain() {
        X509Certificate[] out = new X509Certificate[1 + intermediates.size()];
        out[0] = certificate;
        for (int i = 0; i < intermediates.size(); i++) {
            out[i + 1] = intermediates.get(i);
        }
        return out;
    }

    /** A fresh self-signed ECDSA P-256 certificate for localhost and 127.0.0.1. */
    public static ServerCertificate selfSigned(Instant now) {
        return issue(newKeyPair(), now, VALIDITY, MachineNames.LOOPBACK);
    }

    /** A new ECDSA P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC key: " + e.getMessage(), e);
        }
    }

    /**
     * A self-signed certificate for {@code kp}, valid {@code validity} from an hour before
     * {@code now} (clocks of viewers differ), naming {@code names} as subject alternative names.
     */
    public static ServerCertificate issue(KeyPair kp, Instant now, Duration validity, MachineNames names) {
        try {
            X500Name subject = new X500Name("CN=kymux");
            Instant from = now.minus(Duration.ofHours(1));
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(from), Date.from(from.plus(validity)), subject,
                    kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, names.asGeneralNames());
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            return new ServerCertificate(new JcaX509CertificateConverter().getCertificate(holder), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** A certificate chain (leaf first, as PEM blocks in {@code certFile}) and its private key (PKCS#8 or EC PEM). */
    public static ServerCertificate fromPem(Path certFile, Path keyFile) throws IOException {
        java.util.List<X509Certificate> chain = new java.util.ArrayList<>();
        try (Reader r = Files.newBufferedReader(certFile); PEMParser p = new PEMParser(r)) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(conv.getCertificate(h));
                }
            }
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(certFile + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + " holds no PEM certificate");
        }
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            PrivateKey key = o instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate()
                    : o instanceof PrivateKeyInfo pk ? conv.getPrivateKey(pk) : null;
            if (key == null) {
                throw new IOException(keyFile + " does not hold an unencrypted PEM private key");
            }
            return new ServerCertificate(chain.get(0), key, chain.subList(1, chain.size()));
        }
    }

    /** SHA-256 of the DER certificate, as upper-case hex pairs joined by ':'. */
    public String fingerprint() {
        return io.kymux.core.tls.Fingerprints.of(certificate);
    }

    /** SHA-256 of the public key (SubjectPublicKeyInfo), base64: what Chromium's --ignore-certificate-errors-spki-list takes. */
    public String spkiSha256() {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return java.util.Base64.getEncoder().encodeToString(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }
}
