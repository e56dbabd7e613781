package io.kymux.app.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kymux.app.Harness;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.feed.FeedLimits;
import io.kymux.core.media.RealtimeClock;
import io.kymux.server.ServerConfig;
import io.kymux.server.tls.CertificateRotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The self-signed QUIC certificate rotates before it expires, on the server's clock (here
 * real time minus 12 days, then real time): a connection made before goes on,
 * a new one must pin the new certificate, and /api/server publishes both hashes.
 */
class CertificateRotationTest {

    @Test
    void rotationKeepsSessionsAndNewConnectionsGetTheNewCertificate() throws Exception {
        // the server starts 12 days in the past, so its first certificate is near its end
        // now; clients check validity on the real clock, which both certificates satisfy
        AtomicLong offsetUs = new AtomicLong(-TimeUnit.DAYS.toMicros(12));
        QuicEndToEndTest.Counting seen = new QuicEndToEndTest.Counting();
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0).withFeedLimits(FeedLimits.DEFAULT);
        try (Harness h = new Harness(cfg, () -> RealtimeClock.nowUs() + offsetUs.get());
             KymuxQuicClient before = new KymuxQuicClient(seen)) {
            h.upload("cam", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 300_000)));
            h.awaitFeedFrames("cam", 5, 20_000);
            String first = h.server.kymux().info().fingerprint();
            URI url = URI.create("quic://127.0.0.1:" + h.server.quicPort() + "/cam");
            before.connect(url, first, "", 0, 5_000);

            assertThat(h.server.rotateCertificateIfDue()).as("not due yet").isFalse();
            offsetUs.set(0);
            assertThat(h.server.rotateCertificateIfDue()).as("due 3 days before expiry").isTrue();
            String second = h.server.kymux().info().fingerprint();
            assertThat(second).isNotEqualTo(first);

            JsonNode server = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + h.port() + "/api/server")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(server.get("quic").get("certificateHashes")).extracting(JsonNode::asText)
                    .containsExactly(CertificateRotation.hex(second), CertificateRotation.hex(first));

            long framesAtRotation = seen.frames[0].get();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < end && seen.frames[0].get() < framesAtRotation + 30) {
                Thread.sleep(50);
            }
            assertThat(seen.frames[0].get()).as("the connection made before the rotation goes on")
                    .isGreaterThanOrEqualTo(framesAtRotation + 30);

            try (KymuxQuicClient stale = new KymuxQuicClient(new QuicEndToEndTest.Counting())) {
                assertThatThrownBy(() -> stale.connect(url, first, "", 0, 5_000)).hasMessageContaining("cannot connect");
            }
            try (KymuxQuicClient fresh = new KymuxQuicClient(new QuicEndToEndTest.Counting())) {
                fresh.connect(url, second, "", 0, 5_000);
                assertThat(fresh.welcome()).isNotNull();
            }
        }
    }
}
