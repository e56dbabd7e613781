package io.kymux.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.junit.jupiter.api.Test;

/**
 * kymux's SRTP wrapper against published known answers: libsrtp's srtp_validate packets
 * for AES_CM_128_HMAC_SHA1_80 (RFC 3711 key and salt) and AEAD_AES_128_GCM (RFC 7714),
 * then replay protection, the rollover counter and tampering.
 */
class SrtpSessionTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] RTP = HEX.parseHex("800f1234decafbadcafebabe" + "ab".repeat(16));
    private static final byte[] RTCP = HEX.parseHex("81c8000bcafebabe" + "ab".repeat(16));

    private static final byte[] CM_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] CM_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
    private static final byte[] CM_SRTP = HEX.parseHex(
            "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
    private static final byte[] CM_SRTCP = HEX.parseHex(
            "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798");

    private static final byte[] GCM_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    private static final byte[] GCM_SRTP = HEX.parseHex(
            "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
    private static final byte[] GCM_SRTCP = HEX.parseHex(
            "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001");

    private static SrtpSession cm() {
        return new SrtpSession(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, CM_KEY, CM_SALT, CM_KEY, CM_SALT);
    }

    private static SrtpSession gcm() {
        return new SrtpSession(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, GCM_KEY, GCM_SALT);
    }

    @Test
    void aesCmKnownAnswers() throws Exception {
        try (SrtpSession s = cm()) {
            assertThat(s.protectRtp(RTP)).isEqualTo(CM_SRTP);
            // jitsi numbers SRTCP from 0, libsrtp from 1: the vector is our second packet
            assertThat(s.protectRtcp(RTCP)).isNotEqualTo(CM_SRTCP);
            assertThat(s.protectRtcp(RTCP)).isEqualTo(CM_SRTCP);
            assertThat(s.unprotectRtp(CM_SRTP)).isEqualTo(RTP);
            assertThat(s.unprotectRtcp(CM_SRTCP)).isEqualTo(RTCP);
        }
    }

    @Test
    void aesGcmKnownAnswers() throws Exception {
        try (SrtpSession s = gcm()) {
            assertThat(s.protectRtp(RTP)).isEqualTo(GCM_SRTP);
            // jitsi numbers SRTCP from 0, libsrtp from 1: the vector is our second packet
            assertThat(s.protectRtcp(RTCP)).isNotEqualTo(GCM_SRTCP);
            assertThat(s.protectRtcp(RTCP)).isEqualTo(GCM_SRTCP);
            assertThat(s.unprotectRtp(GCM_SRTP)).isEqualTo(RTP);
            assertThat(s.unprotectRtcp(GCM_SRTCP)).isEqualTo(RTCP);
        }
    }

    @Test
    void replayedPacketsAreRejected() throws Exception {
        for (SrtpSession s : List.of(cm(), gcm())) {
            try (s) {
                byte[] srtp = s.protectRtp(RTP);
                byte[] srtcp = s.protectRtcp(RTCP);
                assertThat(s.unprotectRtp(srtp)).isEqualTo(RTP);
                assertThat(s.unprotectRtcp(srtcp)).isEqualTo(RTCP);
                assertThatThrownBy(() -> s.unprotectRtp(srtp)).isInstanceOf(SrtpException.class)
                        .hasMessageContaining("replay");
                assertThatThrownBy(() -> s.unprotectRtcp(srtcp)).isInstanceOf(SrtpException.class)
                        .hasMessageContaining("replay");
            }
        }
    }

    @Test
    void rolloverCounterCarriesAcrossSequenceWrapAndReordering() throws Exception {
        int[] sequences = {65534, 65535, 0, 1, 2, 3};
        int[] order = {0, 2, 4, 3, 1, 5};
        for (SrtpSession s : List.of(cm(), gcm())) {
            try (s) {
                List<byte[]> plain = new ArrayList<>();
                List<byte[]> sent = new ArrayList<>();
                for (int i = 0; i < sequences.length; i++) {
                    byte[] p = RTP.clone();
                    p[2] = (byte) (sequences[i] >> 8);
                    p[3] = (byte) sequences[i];
                    p[7] = (byte) i;
                    plain.add(p);
                    sent.add(s.protectRtp(p));
                }
                // packets after the wrap are encrypted with ROC 1: a receiver that missed it would fail
                for (int i : order) {
                    assertThat(s.unprotectRtp(sent.get(i))).isEqualTo(plain.get(i));
                }
            }
        }
    }

    @Test
    void tamperedPacketsFailAuthenticationAndTheSessionGoesOn() throws Exception {
        Random random = new Random(7);
        for (SrtpSession s : List.of(cm(), gcm())) {
            try (s) {
                for (int i = 0; i < 200; i++) {
                    byte[] p = RTP.clone();
                    p[3] = (byte) i;
                    byte[] srtp = s.protectRtp(p);
                    byte[] bad = srtp.clone();
                    bad[12 + random.nextInt(bad.length - 12)] ^= (byte) (1 + random.nextInt(255));
                    assertThatThrownBy(() -> s.unprotectRtp(bad)).isInstanceOf(SrtpException.class);
                    assertThat(s.unprotectRtp(srtp)).isEqualTo(p);
                }
            }
        }
    }

    @Test
    void garbageIsRejectedWithAReason() {
        Random random = new Random(11);
        try (SrtpSession s = cm()) {
            for (int i = 0; i < 500; i++) {
                byte[] g = new byte[random.nextInt(64)];
                random.nextBytes(g);
                if (g.length > 1) {
                    g[1] = (byte) (random.nextBoolean() ? 200 : 96);
                }
                try {
                    s.unprotectRtcp(g);
                } catch (SrtpException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
                try {
                    s.unprotectRtp(g);
                } catch (SrtpException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }
    }
}
