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
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
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
public record ServerCertificate(X509Certificate certificate, PrivateKey key) {

    public static final Duration VALIDITY = Duration.ofDays(14);

    /** A fresh self-signed ECDSA P-256 certificate for localhost and 127.0.0.1. */
    public static ServerCertificate selfSigned(Instant now) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=kymux");
            Instant from = now.minus(Duration.ofHours(1));
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(from), Date.from(from.plus(VALIDITY)), name,
                    kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            return new ServerCertificate(new JcaX509CertificateConverter().getCertificate(holder), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** A certificate (first PEM block of {@code certFile}) and its private key (PKCS#8 or EC PEM). */
    public static ServerCertificate fromPem(Path certFile, Path keyFile) throws IOException {
        X509Certificate cert;
        try (Reader r = Files.newBufferedReader(certFile); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder h)) {
                throw new IOException(certFile + " does not start with a PEM certificate");
            }
            cert = new JcaX509CertificateConverter().getCertificate(h);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(certFile + ": " + e.getMessage(), e);
        }
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            PrivateKey key = o instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate()
                    : o instanceof PrivateKeyInfo pk ? conv.getPrivateKey(pk) : null;
            if (key == null) {
                throw new IOException(keyFile + " does not hold an unencrypted PEM private key");
            }
            return new ServerCertificate(cert, key);
        }
    }

    /** SHA-256 of the DER certificate, as upper-case hex pairs joined by ':'. */
    public String fingerprint() {
        return io.kymux.core.tls.Fingerprints.of(certificate);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }
}
