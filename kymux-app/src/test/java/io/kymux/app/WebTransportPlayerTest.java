package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.core.session.QueueLimits;
import io.kymux.server.ServerConfig;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Headless Chromium plays /watch/{stream} over WebTransport, trusting the server's
 * self-signed certificate only through the published serverCertificateHashes (no
 * --ignore-certificate-errors, no --origin-to-force-quic-on), and falls back to the
 * WebSocket when UDP is blocked.
 */
class WebTransportPlayerTest {

    static Harness demo() throws Exception {
        Harness h = new Harness();
        h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 60, 800_000)));
        h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
        h.server.kymux().streams().put("demo", List.of("video0", "audio0"));
        h.awaitFeedFrames("video0", 1, 20_000);
        return h;
    }

    @Test
    void chromiumDecodesVideoAndAudioOverWebTransportAndRefusesBadInput() throws Exception {
        try (Harness h = demo(); Chromium browser = new Chromium()) {
            browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/demo?transport=webtransport");
            JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60
                    && n.get("audioFramesDecoded").asInt() >= 10, Duration.ofSeconds(30));
            assertThat(s.get("errors")).as("errors " + s).isEmpty();
            assertThat(s.get("transport").asText()).isEqualTo("webtransport");
            assertThat(s.get("videoFramesDecoded").asInt()).as("VideoDecoder outputs").isGreaterThanOrEqualTo(60);
            assertThat(s.get("audioFramesDecoded").asInt()).as("AudioDecoder outputs").isGreaterThanOrEqualTo(10);
            System.out.printf("webtransport: %d video frames decoded, capture→decode latency (moving average) %.1f ms,"
                    + " first frame %.0f ms after connect%n", s.get("videoFramesDecoded").asInt(),
                    s.get("latencyMs").asDouble(), s.get("firstFrameMs").asDouble());

            // garbage on the QUIC port and a CONNECT to an unknown path: refused, playback goes on
            try (DatagramSocket sock = new DatagramSocket()) {
                Random r = new Random(2);
                for (int i = 0; i < 1000; i++) {
                    byte[] g = new byte[1 + r.nextInt(1200)];
                    r.nextBytes(g);
                    sock.send(new DatagramPacket(g, g.length, new InetSocketAddress("127.0.0.1", h.server.quicPort())));
                    if (i % 50 == 49) {
                        Thread.sleep(5);
                    }
                }
            }
            Object refused = ((JavascriptExecutor) browser.driver).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    (async () => {
                      const info = await (await fetch('/api/server')).json();
                      const hashes = info.quic.certificateHashes.map((h) => ({ algorithm: 'sha-256',
                        value: new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16))) }));
                      const wt = new WebTransport(`https://127.0.0.1:${info.quic.port}/wt/no-such-stream`,
                        { serverCertificateHashes: hashes });
                      wt.closed.catch(() => {});
                      try { await wt.ready; done('opened'); } catch (e) { done('refused: ' + e); }
                    })();
                    """);
            assertThat(String.valueOf(refused)).startsWith("refused");
            int before = browser.stats().get("videoFramesDecoded").asInt();
            JsonNode after = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= before + 30, Duration.ofSeconds(15));
            assertThat(after.get("videoFramesDecoded").asInt()).as("still decoding").isGreaterThanOrEqualTo(before + 30);
            assertThat(after.get("transport").asText()).isEqualTo("webtransport");
            Thread.sleep(600);
            assertThat(browser.driver.findElement(By.id("overlay")).getText()).contains("via webtransport");
        }
    }

    @Test
    void oneStreamPerGopPlaysToo() throws Exception {
        io.kymux.server.ServerConfig cfg = io.kymux.server.ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withQuic(io.kymux.server.ServerConfig.QuicConfig.DEFAULT.withWebTransportStreams(
                        io.kymux.server.ServerConfig.WebTransportStreams.GOP));
        try (Harness h = new Harness(cfg); Chromium browser = new Chromium()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 30, 800_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/video0?transport=webtransport");
            // 90 frames: across at least two GOP streams (30 frames each)
            JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 90, Duration.ofSeconds(30));
            assertThat(s.get("transport").asText()).isEqualTo("webtransport");
            assertThat(s.get("videoFramesDecoded").asInt()).as("VideoDecoder outputs").isGreaterThanOrEqualTo(90);
            assertThat(s.get("droppedFrames").asInt()).as("frames missing on loopback").isZero();
            assertThat(s.get("errors")).as("errors " + s).isEmpty();
        }
    }

    @Test
    void aLongLatencyBudgetDoesNotRunThePageOutOfStreams() throws Exception {
        // frame streams stay open until their deadline: with a 5 s budget at 60 fps that would
        // be 300 open streams, past the page's stream credit, if nothing finished them sooner
        QueueLimits q = QueueLimits.DEFAULT;
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withQueueLimits(new QueueLimits(q.maxFrames(), q.maxBytes(), 5_000_000));
        try (Harness h = new Harness(cfg); Chromium browser = new Chromium()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 60, 600, 300_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/video0?transport=webtransport");
            JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 400, Duration.ofSeconds(30));
            assertThat(s.get("videoFramesDecoded").asInt()).as("VideoDecoder outputs " + s).isGreaterThanOrEqualTo(400);
            assertThat(s.get("droppedFrames").asInt()).as("frames missing on loopback").isZero();
        }
    }

    @Test
    void withUdpBlockedThePagePlaysOverWebSocketWithinTwoSeconds() throws Exception {
        try (Harness h = demo(); Chromium browser = new Chromium()) {
            h.server.stopQuic();
            browser.driver.get("http://localhost:" + h.port() + "/watch/demo");
            JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 1, Duration.ofSeconds(15));
            assertThat(s.get("transport").asText()).isEqualTo("websocket");
            assertThat(s.get("reason").asText()).as("why the overlay says it fell back").startsWith("webtransport: ");
            double firstFrameAt = s.get("connectedAt").asDouble() + s.get("firstFrameMs").asDouble();
            System.out.printf("webtransport fallback: first frame over WebSocket %.0f ms after navigation (%s)%n",
                    firstFrameAt, s.get("reason").asText());
            assertThat(firstFrameAt).as("ms from navigation to the first frame over the fallback").isLessThan(2000);
        }
    }

    @Test
    void inputFromThePageReachesTheInjectorOnlyWithTheControlToken() throws Exception {
        io.kymux.server.ServerConfig cfg = io.kymux.server.ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withAccess(new io.kymux.server.ServerConfig.AccessTokens(null, "ctl-secret"));
        try (Harness h = new Harness(cfg); Chromium browser = new Chromium()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, 300_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            java.util.List<io.kymux.core.input.InputEvent> got = new java.util.concurrent.CopyOnWriteArrayList<>();
            h.server.kymux().inputs().connect("video0", got::add);
            JavascriptExecutor js = (JavascriptExecutor) browser.driver;

            browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/video0?transport=webtransport&token=ctl-secret");
            browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 1, Duration.ofSeconds(20));
            js.executeScript("window.kymuxInput({type: 'key', code: 'KeyA', down: true});"
                    + "window.kymuxInput({type: 'move', x: 0.25, y: 0.5});");
            long end = System.nanoTime() + 5_000_000_000L;
            while (got.size() < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(got).hasSize(2);
            assertThat(got.get(0)).isInstanceOf(io.kymux.core.input.InputEvent.Key.class);
            assertThat(((io.kymux.core.input.InputEvent.PointerMove) got.get(1)).x()).isEqualTo(16384);

            browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/video0?transport=webtransport");
            browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 1, Duration.ofSeconds(20));
            js.executeScript("window.kymuxInput({type: 'key', code: 'KeyB', down: true});");
            JsonNode s = browser.awaitStats(n -> n.get("errors").size() > 0, Duration.ofSeconds(5));
            assertThat(s.get("errors").get(0).asText()).contains("input not allowed");
            assertThat(got).as("a view-only page's input reaches nobody").hasSize(2);
            assertThat(browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 30, Duration.ofSeconds(10))
                    .get("videoFramesDecoded").asInt()).as("and its picture goes on").isGreaterThanOrEqualTo(30);
        }
    }
}
