package io.kymux.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS certificate kept in the state directory: reused, renewed with the same key, reissued for new names. */
class StoredCertificateTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final MachineNames LAN = new MachineNames(Set.of("localhost", "kvm"), Set.of("127.0.0.1", "10.231.0.1"));

    @Test
    void aRestartWithTheSameStateDirGetsTheSameCertificate(@TempDir Path dir) throws Exception {
        ServerCertificate first = StoredCertificate.loadOrCreate(dir, LAN, T0);
        ServerCertificate again = StoredCertificate.loadOrCreate(dir, LAN, T0.plus(Duration.ofDays(40)));
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(MachineNames.of(first.certificate()).covers(LAN)).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(StoredCertificate.KEY_FILE)))).isEqualTo("rw-------");
    }

    @Test
    void aNewAddressIsAddedWithTheSameKeySoAnSpkiExceptionStillHolds(@TempDir Path dir) throws Exception {
        ServerCertificate first = StoredCertificate.loadOrCreate(dir, LAN, T0);
        MachineNames moved = new MachineNames(Set.of("localhost"), Set.of("192.168.1.20"));
        ServerCertificate second = StoredCertificate.loadOrCreate(dir, moved, T0);
        assertThat(second.fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(second.spkiSha256()).isEqualTo(first.spkiSha256());
        assertThat(MachineNames.of(second.certificate()).covers(LAN.plus(moved))).as("old names kept").isTrue();
        assertThat(StoredCertificate.loadOrCreate(dir, moved, T0).fingerprint()).as("and stored").isEqualTo(second.fingerprint());
    }

    @Test
    void renewedMonthBeforeExpiryWithTheSameKey(@TempDir Path dir) throws Exception {
        ServerCertificate first = StoredCertificate.loadOrCreate(dir, LAN, T0);
        Instant due = first.notAfter().minus(StoredCertificate.RENEW_BEFORE);
        assertThat(StoredCertificate.loadOrCreate(dir, LAN, due.minusSeconds(60)).fingerprint()).isEqualTo(first.fingerprint());
        ServerCertificate renewed = StoredCertificate.loadOrCreate(dir, LAN, due);
        assertThat(renewed.notAfter()).isAfter(first.notAfter());
        assertThat(renewed.spkiSha256()).isEqualTo(first.spkiSha256());
    }

    @Test
    void theQuicCertificateIsKeptAcrossRestartsUntilItsRotationIsDue(@TempDir Path dir) {
        ServerCertificate first = StoredCertificate.quic(dir, T0);
        assertThat(StoredCertificate.quic(dir, T0.plus(Duration.ofDays(2))).fingerprint()).isEqualTo(first.fingerprint());
        Instant due = first.notAfter().minus(CertificateRotation.ROTATE_BEFORE);
        ServerCertificate next = StoredCertificate.quic(dir, due);
        assertThat(next.fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(Duration.between(due, next.notAfter())).as("still short-lived for serverCertificateHashes")
                .isLessThanOrEqualTo(Duration.ofDays(14));
        assertThat(StoredCertificate.quic(dir, due).fingerprint()).as("the new one is stored").isEqualTo(next.fingerprint());
    }

    @Test
    void machineNamesIncludeLoopbackAndCanonicalIpv6() {
        MachineNames here = MachineNames.ofThisMachine();
        assertThat(here.dnsNames()).contains("localhost");
        assertThat(here.ips()).contains("127.0.0.1");
        assertThat(new MachineNames(Set.of(), Set.of("::1")).covers(new MachineNames(Set.of(), Set.of("0:0:0:0:0:0:0:1"))))
                .isTrue();
    }
}
