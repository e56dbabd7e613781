package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Headless Chromium plays /watch/{stream} with WebCodecs; the page reports what it decoded. */
class BrowserPlayerTest {

    /** Opens /watch/{stream} over WebSocket; asserts 60 pictures and 10 sounds decoded with no error. */
    private static JsonNode playsVideoAndAudio(Chromium browser, Harness h, String stream) throws Exception {
        browser.driver.get("http://localhost:" + h.port() + "/watch/" + stream + "?transport=websocket");
        JsonNode s = browser.awaitStats(
                n -> n.get("videoFramesDecoded").asInt() >= 60 && n.get("audioFramesDecoded").asInt() >= 10,
                Duration.ofSeconds(30));
        assertThat(s).as("player stats").isNotNull();
        assertThat(s.get("errors")).as("decoder errors").isEmpty();
        assertThat(s.get("videoFramesDecoded").asInt()).as("VideoDecoder outputs").isGreaterThanOrEqualTo(60);
        assertThat(s.get("audioFramesDecoded").asInt()).as("AudioDecoder outputs").isGreaterThanOrEqualTo(10);
        return s;
    }

    @Test
    void chromiumDecodesVideoAndAudioOverWebSocket() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 60, 800_000)));
            h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
            h.server.kymux().streams().put("demo", List.of("video0", "audio0"));
            h.awaitFeedFrames("video0", 1, 20_000);
            JsonNode s = playsVideoAndAudio(browser, h, "demo");
            assertThat(s.get("transport").asText()).isEqualTo("websocket");
            double latency = s.get("latencyMs").asDouble();
            assertThat(latency).as("capture→decode latency on one host").isGreaterThan(0).isLessThan(2000);
            Thread.sleep(1200); // the overlay refreshes twice a second; reports go out each second
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            JsonNode sessions = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + h.port() + "/api/sessions")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            JsonNode viewer = sessions.get(0).get("viewer");
            assertThat(viewer).as("the player reports to the server").isNotNull();
            assertThat(viewer.get("latencySamples").asLong()).isPositive();
            assertThat(viewer.get("latencyP50Ms").asLong()).isPositive().isLessThan(2000);
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + h.port() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("kymux_viewer_latency_milliseconds_count")
                    .contains("kymux_viewer_latency_milliseconds{quantile=\"0.95\"}");
            assertThat(browser.driver.findElement(By.id("overlay")).getText())
                    .contains("via websocket").contains("latency").containsPattern("latency \\d+ ms");
        }
    }

    @Test
    void aRenditionSwitchReconfiguresTheDecoderOnTheSameConnection() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium();
             KymuxProcess capture = KymuxProcess.start("capture", "test", "--renditions", "640x360@1M,320x180@300k",
                     "--to", "ws://127.0.0.1:" + h.port() + "/ingest/cam")) {
            h.awaitFeedFrames("cam", 1, 30_000);
            h.awaitFeedFrames("cam~180p", 1, 30_000);
            browser.driver.get("http://localhost:" + h.port() + "/watch/cam?transport=websocket");
            JsonNode top = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 30
                    && n.path("displayWidth").asInt() == 640, Duration.ofSeconds(30));
            assertThat(top).as("the top rendition plays (capture said: %s)", capture.said()).isNotNull();
            long session = RenditionSwitchTest.sessionIds(h).get(0);
            RenditionSwitchTest.pin(h, session, "\"cam~180p\"");
            int before = top.get("videoFramesDecoded").asInt();
            JsonNode low = browser.awaitStats(n -> n.path("displayWidth").asInt() == 320
                    && n.get("videoFramesDecoded").asInt() >= before + 30, Duration.ofSeconds(20));
            assertThat(low).as("pictures 320 wide after the switch").isNotNull();
            assertThat(low.get("errors")).as("decoder errors").isEmpty();
            assertThat(low.get("rendition").asText()).isEqualTo("cam~180p 320×180");
            assertThat(low.get("connectedAt").asDouble()).as("the same connection").isEqualTo(top.get("connectedAt").asDouble());
            RenditionSwitchTest.pin(h, session, "null");
            int pinnedFrames = low.get("videoFramesDecoded").asInt();
            JsonNode back = browser.awaitStats(n -> n.path("displayWidth").asInt() == 640
                    && n.get("videoFramesDecoded").asInt() >= pinnedFrames + 30, Duration.ofSeconds(20));
            assertThat(back).as("unpinned, a fast link climbs back to the top").isNotNull();
            assertThat(back.get("errors")).isEmpty();
            Thread.sleep(600);
            assertThat(browser.driver.findElement(By.id("overlay")).getText()).contains("rendition cam 640×360")
                    .containsPattern("received [0-9.]+ Mbit/s");
        }
    }

    @Test
    void chromiumPlaysTheH264AndAacFfmpegPushesAsMpegTs() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            var push = TsIngestToFeedTest.pushInBackground(h.port(), "cam", 12, true);
            h.awaitFeedFrames("cam", 1, 20_000);
            h.awaitFeedFrames("cam.audio", 1, 20_000);
            h.server.kymux().putStream("lab", List.of("cam", "cam.audio"));
            playsVideoAndAudio(browser, h, "lab"); // the audio is the TS's AAC
            push.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * An H.265 TS feed in a Chromium with no HEVC decoder (Debian's, no GPU): the page says
     * which codec this browser cannot decode and what plays it, and WHEP refuses the feed
     * with the reason instead of sending H.265 as H.264.
     */
    @Test
    void anH265FeedSaysThisBrowserCannotDecodeItInsteadOfGoingBlack() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            var push = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    TsIngestToFeedTest.pushTs(h.port(), "hevc", 12, "libx265", null);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            h.awaitFeedFrames("hevc", 1, 20_000);
            browser.driver.get("http://localhost:" + h.port() + "/watch/hevc?transport=websocket");
            Object supported = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                    + "VideoDecoder.isConfigSupported({codec: arguments[0]}).then(r => done(r.supported), e => done(String(e)));",
                    h.server.kymux().feeds().get("hevc").orElseThrow().track().orElseThrow().codecString());
            assertThat(supported).as("this Chromium decodes no HEVC (if it does now, play it here instead)").isEqualTo(false);
            String text = "";
            long end = System.nanoTime() + 15_000_000_000L;
            while (!text.contains("cannot decode") && System.nanoTime() < end) {
                Thread.sleep(200);
                text = browser.driver.findElement(By.id("problem")).getText();
            }
            assertThat(text).contains("this browser cannot decode hev1.1.6.L").contains("kymux client");
            var whep = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + h.port() + "/whep/hevc")).header("Content-Type", "application/sdp")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("v=0\r\n")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(whep.statusCode()).isEqualTo(400);
            assertThat(whep.body()).contains("feed hevc is hev1.1.6.L").contains("H.264 video only");
            push.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void anMpeg1TsFeedSaysWhereItPlaysInsteadOfGoingBlack() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            var push = TsIngestToFeedTest.pushMpeg1InBackground(h.port(), "lab-ts", 6);
            long end = System.nanoTime() + 10_000_000_000L;
            while (h.server.kymux().tsFeeds().get("lab-ts").map(f -> f.stats().videoCodec()).orElse("").isEmpty()
                    && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            browser.driver.get("http://localhost:" + h.port() + "/watch/lab-ts");
            String text = "";
            end = System.nanoTime() + 15_000_000_000L;
            while (!text.contains("jsmpeg") && System.nanoTime() < end) {
                Thread.sleep(200);
                text = browser.driver.findElement(By.id("problem")).getText();
            }
            assertThat(text).contains("MPEG-1/2 video has no decoder in this browser")
                    .contains("ws://localhost:" + h.port() + "/ts/lab-ts");
            push.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void playerReconnectsByItselfWhenTheServerRestarts() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        io.kymux.server.ServerConfig cfg = io.kymux.server.ServerConfig.defaults().withBindHost("127.0.0.1")
                .withPort(port);
        try (Chromium browser = new Chromium()) {
            int before;
            try (Harness first = new Harness(cfg)) {
                first.upload("cam", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 300_000)));
                first.awaitFeedFrames("cam", 1, 20_000);
                browser.driver.get("http://localhost:" + port + "/watch/cam");
                before = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 30, Duration.ofSeconds(20))
                        .get("videoFramesDecoded").asInt();
                assertThat(before).isGreaterThanOrEqualTo(30);
            }
            assertThat(browser.awaitStats(n -> !n.get("connected").asBoolean(), Duration.ofSeconds(5))
                    .get("connected").asBoolean()).as("noticed the server is gone").isFalse();
            try (Harness second = new Harness(cfg)) {
                second.upload("cam", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 300_000)));
                JsonNode s = browser.awaitStats(n -> n.get("connected").asBoolean()
                        && n.get("videoFramesDecoded").asInt() >= before + 30, Duration.ofSeconds(30));
                assertThat(s.get("videoFramesDecoded").asInt()).as("decoding again without a page reload " + s)
                        .isGreaterThanOrEqualTo(before + 30);
                assertThat(s.get("errors")).isEmpty();
            }
        }
    }

    @Test
    void theStatisticsOverlayTogglesWithSAndStartsHiddenOnASmallScreen() throws Exception {
        try (Harness h = new Harness()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 300_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            String page = "http://localhost:" + h.port() + "/watch/video0?transport=websocket";
            try (Chromium browser = new Chromium("--window-size=1280,800")) {
                browser.driver.get(page);
                JsonNode s = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 10, Duration.ofSeconds(30));
                assertThat(s.get("videoFramesDecoded").asInt()).as("VideoDecoder outputs").isGreaterThanOrEqualTo(10);
                var overlay = browser.driver.findElement(By.id("overlay"));
                assertThat(overlay.isDisplayed()).as("shown on a large screen").isTrue();
                assertThat(overlay.getCssValue("background-color")).as("see-through").isEqualTo("rgba(0, 0, 0, 0.4)");
                var body = browser.driver.findElement(By.tagName("body"));
                body.sendKeys("s");
                assertThat(overlay.isDisplayed()).as("after s").isFalse();
                body.sendKeys("s");
                assertThat(overlay.isDisplayed()).as("after s again").isTrue();
            }
            try (Chromium phone = new Chromium("--window-size=390,740")) {
                phone.driver.get(page);
                JsonNode s = phone.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 10, Duration.ofSeconds(30));
                assertThat(s.get("videoFramesDecoded").asInt()).as("VideoDecoder outputs").isGreaterThanOrEqualTo(10);
                assertThat(phone.driver.findElement(By.id("overlay")).isDisplayed()).as("hidden on a small screen").isFalse();
                phone.driver.get(page + "&stats=1");
                phone.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 1, Duration.ofSeconds(30));
                assertThat(phone.driver.findElement(By.id("overlay")).isDisplayed()).as("?stats=1").isTrue();
            }
        }
    }

    @Test
    void anAudioOnlyStreamSaysSoOverTheBlackCanvas() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
            h.awaitFeedFrames("audio0", 1, 20_000);
            browser.driver.get("http://localhost:" + h.port() + "/watch/audio0?transport=websocket");
            JsonNode s = browser.awaitStats(n -> n.get("audioFramesDecoded").asInt() >= 25 && n.get("audioOnly").asBoolean(),
                    Duration.ofSeconds(30));
            assertThat(s.get("audioFramesDecoded").asInt()).as("AudioDecoder outputs " + s).isGreaterThanOrEqualTo(25);
            assertThat(s.get("videoFramesDecoded").asInt()).isZero();
            var label = browser.driver.findElement(By.id("audio-only"));
            long end = System.nanoTime() + 2_000_000_000L; // the overlay's next tick shows it
            while (!label.isDisplayed() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertThat(label.isDisplayed()).isTrue();
            assertThat(label.getText()).isEqualTo("audio only");
        }
    }

    @Test
    void indexListsPacketAndTsFeedsButNotNamesOnlyADeletedStreamWaitedOn() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium();
                java.net.Socket tsPost = new java.net.Socket("127.0.0.1", h.port())) {
            h.upload("cam", CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 15, 30, 100_000)));
            h.awaitFeedFrames("cam", 1, 20_000);
            // an MPEG-TS feed, as ffmpeg -f mpegts http://…/ts/lab-ts sends it
            var out = tsPost.getOutputStream();
            out.write(("POST /ts/lab-ts HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] packets = new byte[20 * 188];
            for (int i = 0; i < 20; i++) {
                packets[i * 188] = 0x47;
                packets[i * 188 + 1] = 0x01;
                packets[i * 188 + 3] = (byte) (0x10 | (i & 0xf));
            }
            out.write((Integer.toHexString(packets.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(packets);
            out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            var kymux = h.server.kymux();
            kymux.putStream("old", List.of("ghost")); // makes a placeholder feed "ghost"…
            kymux.removeStream("old"); // …that nothing names any more
            kymux.putStream("lab", List.of("cam", "mic")); // "mic" is awaited by a current stream
            browser.driver.get("http://localhost:" + h.port() + "/");
            long end = System.nanoTime() + 10_000_000_000L;
            String text = "";
            while (System.nanoTime() < end && !(text.contains("avc1") && text.contains("MPEG-TS"))) {
                Thread.sleep(200);
                text = browser.driver.findElement(By.id("feeds")).getText();
            }
            assertThat(text).contains("cam").contains("avc1.42").contains("160×120") // 42D00B with the VBV: level 1b
                    .as("which viewers play it").contains("player, WHEP, kymux client");
            assertThat(text).as("the TS feed, with its jsmpeg URL").contains("lab-ts ws://localhost:" + h.port() + "/ts/lab-ts")
                    .contains("MPEG-TS");
            assertThat(text).as("awaited by a stream").contains("mic");
            assertThat(text).as("a deleted stream's placeholder").doesNotContain("ghost");
            assertThat(kymux.feeds().get("ghost")).as("the placeholder the page leaves out").isPresent();
        }
    }
}
