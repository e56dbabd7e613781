package io.kymux.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a self-signed certificate rotates and which hashes are published, on a fake clock. */
class CertificateRotationUnitTest {

    @Test
    void rotatesThreeDaysBeforeExpiryAndPublishesBothWhileTheOldIsValid() {
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        CertificateRotation r = CertificateRotation.selfSigned(t0, ServerCertificate::selfSigned);
        ServerCertificate first = r.current();
        assertThat(Duration.between(first.certificate().getNotBefore().toInstant(), first.notAfter()))
                .as("browsers take serverCertificateHashes for at most 14 days").isLessThanOrEqualTo(Duration.ofDays(14));
        assertThat(r.tick(t0.plus(Duration.ofDays(10)))).isFalse();
        assertThat(r.hashes(t0)).containsExactly(first.fingerprint());
        Instant due = first.notAfter().minus(CertificateRotation.ROTATE_BEFORE);
        assertThat(r.tick(due.minusSeconds(1))).isFalse();
        assertThat(r.tick(due)).isTrue();
        ServerCertificate second = r.current();
        assertThat(second.fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(r.hashes(due)).containsExactly(second.fingerprint(), first.fingerprint());
        assertThat(r.hashes(first.notAfter())).as("the old one is gone once expired").containsExactly(second.fingerprint());
        assertThat(r.keyManager().getCertificateChain(r.keyManager().chooseEngineServerAlias("EC", null, null))[0])
                .isEqualTo(second.certificate());
        assertThat(CertificateRotation.hex(second.fingerprint())).matches("[0-9a-f]{64}");
    }

    @Test
    void aConfiguredCertificateIsNeverReplaced() {
        ServerCertificate pem = ServerCertificate.selfSigned(Instant.parse("2026-01-01T00:00:00Z"));
        CertificateRotation r = CertificateRotation.fixed(pem);
        assertThat(r.tick(Instant.parse("2030-01-01T00:00:00Z"))).isFalse();
        assertThat(r.current()).isSameAs(pem);
    }
}
