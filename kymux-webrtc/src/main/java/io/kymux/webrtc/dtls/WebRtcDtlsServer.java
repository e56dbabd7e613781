package io.kymux.webrtc.dtls;

import io.kymux.core.tls.Fingerprints;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Hashtable;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server side of WebRTC's DTLS (RFC 5763/5764) on BouncyCastle: DTLS 1.2, ECDSA
 * certificate, the client must present a certificate whose SHA-256 fingerprint is the one
 * in its SDP offer, {@code use_srtp} (AES-128 GCM or AES-128 CM HMAC-SHA1-80), the extended
 * master secret, and the SRTP keys exported once the handshake completes.
 */
final class WebRtcDtlsServer extends DefaultTlsServer {

    private static final int[] PROFILES = {SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
        SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80};

    private final BcTlsCrypto crypto;
    private final Certificate certificate;
    private final AsymmetricKeyParameter key;
    private final String expectedClientFingerprint;
    private int profile = -1;
    private volatile SrtpKeys keys;

    WebRtcDtlsServer(BcTlsCrypto crypto, X509Certificate cert, PrivateKey privateKey, String expectedClientFingerprint)
            throws IOException {
        super(crypto);
        this.crypto = crypto;
        try {
            this.certificate = new Certificate(new TlsCertificate[] {crypto.createCertificate(cert.getEncoded())});
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        this.key = PrivateKeyFactory.createKey(privateKey.getEncoded());
        this.expectedClientFingerprint = Fingerprints.normalise(expectedClientFingerprint);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256};
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key, certificate,
                SignatureAndHashAlgorithm.getInstance(org.bouncycastle.tls.HashAlgorithm.sha256,
                        org.bouncycastle.tls.SignatureAlgorithm.ecdsa));
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return true;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                org.bouncycastle.tls.TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client sent no certificate");
        }
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(clientCertificate.getCertificateAt(0).getEncoded()));
            if (!Fingerprints.of(c).equals(expectedClientFingerprint)) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate,
                        "client certificate fingerprint is not the one in the SDP offer");
            }
        } catch (java.security.cert.CertificateException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client did not offer use_srtp");
        }
        for (int mine : PROFILES) {
            for (int theirs : offered.getProtectionProfiles()) {
                if (mine == theirs && profile < 0) {
                    profile = mine;
                }
            }
        }
        if (profile < 0) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no SRTP profile in common");
        }
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {profile}, new byte[0]));
        return ext;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        int[] l = SrtpKeys.lengths(profile);
        byte[] material = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, 2 * (l[0] + l[1]));
        keys = SrtpKeys.split(profile, material);
    }

    SrtpKeys keys() {
        return keys;
    }
}
