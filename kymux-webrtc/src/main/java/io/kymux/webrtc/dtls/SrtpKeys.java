package io.kymux.webrtc.dtls;

import java.util.Arrays;

/**
 * The SRTP master keys and salts both sides derive from the DTLS handshake (RFC 5764
 * §4.2): client key, server key, client salt, server salt, in that order, from the
 * {@code EXTRACTOR-dtls_srtp} exporter. The server sends with the server ones.
 */
public record SrtpKeys(int profile, byte[] clientKey, byte[] serverKey, byte[] clientSalt, byte[] serverSalt) {

    /** Key and salt lengths of a profile (AES-128 CM + HMAC-SHA1, or AES-128 GCM). */
    public static int[] lengths(int profile) {
        return switch (profile) {
            case org.bouncycastle.tls.SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80 -> new int[] {16, 14};
            case org.bouncycastle.tls.SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM -> new int[] {16, 12};
            default -> throw new IllegalArgumentException("unsupported SRTP profile " + profile);
        };
    }

    public static SrtpKeys split(int profile, byte[] material) {
        int[] l = lengths(profile);
        int k = l[0];
        int s = l[1];
        return new SrtpKeys(profile, Arrays.copyOfRange(material, 0, k), Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s), Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }
}
