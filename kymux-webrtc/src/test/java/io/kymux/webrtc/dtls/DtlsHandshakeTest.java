package io.kymux.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.core.tls.Fingerprints;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/**
 * kymux's DTLS server against a BouncyCastle DTLS client playing the browser: mutual
 * certificates checked against the SDP fingerprint, use_srtp, and the same SRTP keys
 * exported on both sides. Datagrams move through memory only.
 */
public class DtlsHandshakeTest {

    public record Identity(X509Certificate cert, KeyPair keys) {
        public static Identity make() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            X500Name n = new X500Name("CN=test");
            Date from = new Date(System.currentTimeMillis() - 3_600_000);
            Date to = new Date(System.currentTimeMillis() + 86_400_000);
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(n,
                    BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE), from, to, n, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new Identity(c, kp);
        }
    }

    /** The browser's side. */
    public static final class BrowserLikeClient extends DefaultTlsClient {
        final BcTlsCrypto crypto;
        final Identity me;
        final AtomicReference<String> serverFingerprint = new AtomicReference<>();
        byte[] material;
        int profile;

        /** The SRTP keys both sides derived (after the handshake). */
        public SrtpKeys keys() {
            return SrtpKeys.split(profile, material);
        }

        public BrowserLikeClient(BcTlsCrypto crypto, Identity me) {
            super(crypto);
            this.crypto = crypto;
            this.me = me;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true;
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {
                SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, new byte[0]));
            return ext;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            profile = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                    try {
                        X509Certificate c = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                                .generateCertificate(new java.io.ByteArrayInputStream(
                                        sc.getCertificate().getCertificateAt(0).getEncoded()));
                        serverFingerprint.set(Fingerprints.of(c));
                    } catch (java.security.cert.CertificateException e) {
                        throw new IOException(e);
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest req) throws IOException {
                    try {
                        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(me.cert().getEncoded())});
                        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                                PrivateKeyFactory.createKey(me.keys().getPrivate().getEncoded()), chain,
                                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                    } catch (java.security.cert.CertificateEncodingException e) {
                        throw new IOException(e);
                    }
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            int[] l = SrtpKeys.lengths(profile);
            material = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, 2 * (l[0] + l[1]));
        }
    }

    /** Runs the client against the handshake, moving datagrams both ways in memory. */
    static BrowserLikeClient handshake(DtlsHandshake server, Identity client) throws Exception {
        BrowserLikeClient c = new BrowserLikeClient(new BcTlsCrypto(new SecureRandom()), client);
        QueueDatagramTransport clientSide = new QueueDatagramTransport(server::receive);
        AtomicBoolean run = new AtomicBoolean(true);
        Thread pump = new Thread(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (run.get() && System.nanoTime() < end) {
                byte[] d = server.poll();
                if (d == null) {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                } else {
                    clientSide.offer(d);
                }
            }
        }, "pump");
        pump.start();
        try {
            new DTLSClientProtocol().connect(c, clientSide);
            return c;
        } finally {
            run.set(false);
            pump.join(2000);
        }
    }

    @Test
    void bothSidesDeriveTheSameSrtpKeys() throws Exception {
        Identity server = Identity.make();
        Identity browser = Identity.make();
        try (DtlsHandshake h = new DtlsHandshake(server.cert(), server.keys().getPrivate(), Fingerprints.of(browser.cert()), () -> { })) {
            BrowserLikeClient c = handshake(h, browser);
            SrtpKeys keys = h.keys().get(10, TimeUnit.SECONDS);
            assertThat(keys.profile()).isEqualTo(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM);
            assertThat(c.serverFingerprint.get()).as("the browser sees the certificate in our SDP").isEqualTo(Fingerprints.of(server.cert()));
            SrtpKeys theirs = SrtpKeys.split(c.profile, c.material);
            assertThat(theirs.serverKey()).isEqualTo(keys.serverKey());
            assertThat(theirs.clientKey()).isEqualTo(keys.clientKey());
            assertThat(theirs.serverSalt()).hasSize(12).isEqualTo(keys.serverSalt());
            assertThat(keys.serverKey()).hasSize(16).isNotEqualTo(keys.clientKey());
        }
    }

    @Test
    void aClientCertificateOtherThanTheSdpsFailsTheHandshake() throws Exception {
        Identity server = Identity.make();
        Identity browser = Identity.make();
        Identity impostor = Identity.make();
        try (DtlsHandshake h = new DtlsHandshake(server.cert(), server.keys().getPrivate(), Fingerprints.of(browser.cert()), () -> { })) {
            assertThatThrownBy(() -> handshake(h, impostor)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> h.keys().get(10, TimeUnit.SECONDS)).hasMessageContaining("fingerprint");
        }
    }
}
