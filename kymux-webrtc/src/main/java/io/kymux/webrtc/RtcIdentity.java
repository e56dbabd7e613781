package io.kymux.webrtc;

import io.kymux.core.tls.Fingerprints;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** The certificate and key our DTLS side presents; its fingerprint goes in every SDP answer. */
public record RtcIdentity(X509Certificate certificate, PrivateKey key) {

    /** SHA-256 fingerprint in SDP form (colon-separated upper-case hex). */
    public String fingerprint() {
        return Fingerprints.of(certificate);
    }
}
