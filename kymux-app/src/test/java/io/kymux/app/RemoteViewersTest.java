package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * A viewer on another machine. This class runs only in the network namespace that
 * src/test/netns/bin/java makes (the {@code remote-viewers} Surefire execution), and
 * every page is opened at the namespace's veth address: plain HTTP there is not a secure
 * context, so WebCodecs and WebTransport exist only over HTTPS.
 */
class RemoteViewersTest {

    private static String addr;

    @BeforeAll
    static void inTheNamespace() {
        addr = System.getenv("KYMUX_REMOTE_ADDR");
        assertThat(addr).as("run by the remote-viewers execution (src/test/netns/bin/java), which sets it").isNotBlank();
    }

    private static ServerConfig config(Path state) {
        return ServerConfig.defaults().withBindHost("0.0.0.0").withPort(0)
                .withTls(new ServerConfig.TlsConfig(false, state, null, null));
    }

    private static Harness demo(Path state) throws Exception {
        Harness h = new Harness(config(state));
        h.uploadOverWebSocket("video0", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 60, 800_000)));
        h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
        h.server.kymux().streams().put("demo", List.of("video0", "audio0"));
        h.awaitFeedFrames("video0", 1, 20_000);
        return h;
    }

    @Test
    void aPlainHttpPageFallsBackToWebRtcAndSaysWhy(@TempDir Path state) throws Exception {
        try (Harness h = demo(state); Chromium browser = new Chromium()) {
            browser.driver.get("http://" + addr + ":" + h.port() + "/watch/demo");
            JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60, Duration.ofSeconds(40));
            assertThat(s.get("videoFramesDecoded").asInt()).as("decoded " + s).isGreaterThanOrEqualTo(60);
            assertThat(s.get("transport").asText()).isEqualTo("webrtc");
            JsonNode rtc = WebRtcPlayerTest.rtcStats(browser);
            assertThat(rtc.get("framesDecoded").asInt()).as("inbound-rtp framesDecoded").isGreaterThanOrEqualTo(60);
            Thread.sleep(1200); // the overlay refreshes twice a second
            String overlay = browser.driver.findElement(By.id("overlay")).getText();
            assertThat(overlay).contains("via webrtc").contains("page is not a secure context")
                    .contains("https://" + addr + ":" + h.port() + "/watch/demo");
        }
    }

    @Test
    void anHttpsPageWithTheSelfSignedCertificatePlaysOverWebTransport(@TempDir Path state) throws Exception {
        try (Harness h = demo(state);
             // how a test stands in for the user's one-time "proceed anyway"
             Chromium browser = new Chromium("--ignore-certificate-errors-spki-list="
                     + h.server.httpsCertificate().spkiSha256())) {
            browser.driver.get("https://" + addr + ":" + h.port() + "/watch/demo");
            JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60, Duration.ofSeconds(40));
            assertThat(s.get("videoFramesDecoded").asInt()).as("decoded " + s).isGreaterThanOrEqualTo(60);
            assertThat(s.get("transport").asText()).as("steps " + s.get("steps")).isEqualTo("webtransport");
            assertThat(s.get("audioFramesDecoded").asInt()).isPositive();
        }
    }

    @Test
    void aBrowserPublishesOverWhipAndOthersWatchOverWhepAndWebTransport(@TempDir Path state) throws Exception {
        try (Harness h = new Harness(config(state));
             Chromium publisher = new Chromium("--ignore-certificate-errors-spki-list="
                     + h.server.httpsCertificate().spkiSha256(), "--use-fake-device-for-media-stream",
                     "--use-fake-ui-for-media-stream");
             Chromium webrtcViewer = new Chromium();
             Chromium secureViewer = new Chromium("--ignore-certificate-errors-spki-list="
                     + h.server.httpsCertificate().spkiSha256())) {
            // getUserMedia needs a secure context: the publisher's page is the HTTPS one
            publisher.driver.get("https://" + addr + ":" + h.port() + "/");
            Object r = ((org.openqa.selenium.JavascriptExecutor) publisher.driver).executeAsyncScript(
                    WhipPublishTest.PUBLISH, "cam");
            assertThat(r).isEqualTo("ok");
            h.awaitFeedFrames("cam", 1, 20_000);
            webrtcViewer.driver.get("http://" + addr + ":" + h.port() + "/watch/cam?transport=webrtc");
            secureViewer.driver.get("https://" + addr + ":" + h.port() + "/watch/cam");
            JsonNode s = webrtcViewer.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60, Duration.ofSeconds(40));
            assertThat(s.get("videoFramesDecoded").asInt()).as("WHEP viewer " + s).isGreaterThanOrEqualTo(60);
            assertThat(s.get("transport").asText()).isEqualTo("webrtc");
            assertThat(WebRtcPlayerTest.rtcStats(webrtcViewer).get("framesDecoded").asInt()).isGreaterThanOrEqualTo(60);
            s = secureViewer.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60, Duration.ofSeconds(40));
            assertThat(s.get("videoFramesDecoded").asInt()).as("/watch viewer " + s).isGreaterThanOrEqualTo(60);
            assertThat(s.get("errors")).as("decoder errors").isEmpty();
        }
    }

    @Test
    void aMissingStreamIsSaidOnThePage(@TempDir Path state) throws Exception {
        try (Harness h = new Harness(config(state)); Chromium browser = new Chromium()) {
            browser.driver.get("http://" + addr + ":" + h.port() + "/watch/nothing-here");
            JsonNode s = browser.awaitStats(n -> !n.get("problem").isNull(), Duration.ofSeconds(10));
            assertThat(s.get("problem").asText()).contains("no stream or feed named \"nothing-here\"");
            Thread.sleep(1200);
            assertThat(browser.driver.findElement(By.id("problem")).getText()).contains("no stream or feed named");
        }
    }

    @Test
    void aRestartWithTheSameStateDirKeepsTheCertificate(@TempDir Path state) throws Exception {
        String first;
        try (Harness h = new Harness(config(state))) {
            first = h.server.httpsCertificate().fingerprint();
        }
        try (Harness h = new Harness(config(state))) {
            assertThat(h.server.httpsCertificate().fingerprint()).isEqualTo(first);
        }
    }

    @Test
    void aCaptureIngestsOverWssPinnedByFingerprintAndAWrongPinIsOneLine(@TempDir Path state) throws Exception {
        try (Harness h = new Harness(config(state))) {
            String url = "wss://" + addr + ":" + h.port() + "/ingest/f";
            String fp = h.server.httpsCertificate().fingerprint();
            try (KymuxProcess capture = KymuxProcess.start("capture", "test", "--size", "320x240", "--to", url,
                    "--fingerprint", fp)) {
                h.awaitFeedFrames("f", 30, 30_000);
                assertThat(h.server.kymux().feeds().get("f").orElseThrow().stats().framesIn())
                        .as("frames over TLS").isGreaterThanOrEqualTo(30);
            }
            String wrong = fp.startsWith("00") ? "11" + fp.substring(2) : "00" + fp.substring(2);
            KymuxProcess refused = KymuxProcess.start("capture", "test", "--to", "wss://" + addr + ":" + h.port() + "/ingest/g",
                    "--fingerprint", wrong);
            assertThat(refused.exitWithin(30)).as("exits by itself, rc 1").isEqualTo(1);
            String said = refused.said().strip();
            assertThat(said).as("one line, no stack trace").doesNotContain("\n")
                    .startsWith("kymux capture: TLS with " + addr + ":" + h.port() + " failed")
                    .contains("is not the pinned");
            assertThat(h.server.kymux().feeds().get("g").map(f -> f.stats().framesIn()).orElse(0L)).isZero();
        }
    }
}
