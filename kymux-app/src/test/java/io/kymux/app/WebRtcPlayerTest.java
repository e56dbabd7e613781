package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Headless Chromium plays /watch/{stream}?transport=webrtc through WHEP: the browser's own
 * WebRTC stack receives, decrypts and decodes; the test reads getStats().
 */
class WebRtcPlayerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** inbound-rtp counters from the page's RTCPeerConnection. */
    static JsonNode rtcStats(Chromium browser) throws Exception {
        Object s = ((JavascriptExecutor) browser.driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                if (!window.kymuxPeer) { done(null); return; }
                window.kymuxPeer.getStats().then((r) => {
                  const out = { framesDecoded: 0, audioPacketsReceived: 0, nackCount: 0 };
                  r.forEach((s) => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video') {
                      out.framesDecoded = s.framesDecoded || 0;
                      out.nackCount = s.nackCount || 0;
                    }
                    if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioPacketsReceived = s.packetsReceived || 0;
                  });
                  done(JSON.stringify(out));
                });
                """);
        return s == null ? null : JSON.readTree((String) s);
    }

    /**
     * WHEP from a page of the server's with the answer's candidate moved to {@code relayPort}
     * (a test's relay stands between); the peer is {@code window.kymuxPeer}. "ok" or what failed.
     */
    static final String WHEP_THROUGH_RELAY = """
            const done = arguments[arguments.length - 1];
            (async () => {
              const pc = new RTCPeerConnection();
              pc.addTransceiver('video', {direction: 'recvonly'});
              const v = document.createElement('video');
              v.muted = true; v.autoplay = true; document.body.appendChild(v);
              pc.ontrack = (e) => { v.srcObject = new MediaStream([e.track]); };
              await pc.setLocalDescription(await pc.createOffer());
              const res = await fetch('/whep/' + arguments[0], {method: 'POST',
                  headers: {'Content-Type': 'application/sdp'}, body: pc.localDescription.sdp});
              if (res.status !== 201) { done('WHEP answered ' + res.status + ': ' + await res.text()); return; }
              const answer = (await res.text()).replace(/(a=candidate:\\S+ 1 udp \\d+ \\S+ )\\d+/g, '$1' + arguments[1]);
              await pc.setRemoteDescription({type: 'answer', sdp: answer});
              window.kymuxPeer = pc;
              done('ok');
            })().catch((e) => done('failed: ' + e));
            """;

    /** The width of the pictures the page's peer decodes now, 0 before one. */
    static int frameWidth(Chromium browser) {
        Object w = ((JavascriptExecutor) browser.driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.kymuxPeer.getStats().then((r) => { let w = 0;
                  r.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') w = s.frameWidth || 0; });
                  done(w); });
                """);
        return ((Number) w).intValue();
    }

    /**
     * A WebRTC viewer behind a 500 kbit/s path (a relay's drop-tail bottleneck) of a
     * 1.2 Mbit/s picture with a 150 kbit/s rendition: the loss its receiver reports show
     * moves the session to the rendition the path carries, and Chromium decodes on at the
     * new size over the same peer connection.
     */
    @Test
    void aViewerBehindAThinPathMovesToTheRenditionItsReportsSayItCarries() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            h.uploadRenditionPair("desk", 1_200_000, 150_000);
            try (io.kymux.app.quic.LossyUdpRelay relay = new io.kymux.app.quic.LossyUdpRelay(
                    new InetSocketAddress("127.0.0.1", h.server.webrtcPort()), 0, 5, 3, false).bottleneck(500_000, 100)) {
                browser.driver.get("http://localhost:" + h.port() + "/");
                Object r = ((JavascriptExecutor) browser.driver).executeAsyncScript(WHEP_THROUGH_RELAY, "desk", relay.port());
                assertThat(r).isEqualTo("ok");
                long end = System.nanoTime() + 30_000_000_000L;
                java.util.Set<String> shown = new java.util.HashSet<>();
                int width = 0;
                while (System.nanoTime() < end && !(shown.contains("desk~120p") && width == 160)) {
                    Thread.sleep(250);
                    for (var session : h.server.kymux().sessions()) {
                        session.stats().renditions().forEach(x -> shown.add(x.feed()));
                    }
                    width = frameWidth(browser);
                }
                int decodedAtSwitch = rtcStats(browser).get("framesDecoded").asInt();
                System.out.printf("thin WebRTC path: renditions %s, width %d, relay dropped %d of %d%n", shown, width,
                        relay.dropped.get(), relay.dropped.get() + relay.forwarded.get());
                assertThat(shown).as("the session's rendition").contains("desk~120p");
                assertThat(width).as("Chromium decodes the 120p rendition").isEqualTo(160);
                JsonNode after = awaitRtc(browser, n -> n.get("framesDecoded").asInt() >= decodedAtSwitch + 60,
                        Duration.ofSeconds(10));
                assertThat(after.get("framesDecoded").asInt()).as("decoding on after the switch")
                        .isGreaterThanOrEqualTo(decodedAtSwitch + 60);
            }
        }
    }

    static JsonNode awaitRtc(Chromium browser, java.util.function.Predicate<JsonNode> done, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode s = null;
        while (System.nanoTime() < end) {
            s = rtcStats(browser);
            if (s != null && done.test(s)) {
                return s;
            }
            Thread.sleep(200);
        }
        return s;
    }

    JsonNode get(Harness h, String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void chromiumPlaysVideoAndAudioOverWebRtcAndBadInputTouchesNoSession() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            // the viewer comes before the producer: no "no SPS/PPS yet", it waits inside the server
            h.server.kymux().streams().put("demo", List.of("video0", "audio0"));
            browser.driver.get("http://localhost:" + h.port() + "/watch/demo?transport=webrtc");
            Thread.sleep(1500);
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 60, 800_000)));
            h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
            JsonNode rtc = awaitRtc(browser, n -> n.get("framesDecoded").asInt() >= 60
                    && n.get("audioPacketsReceived").asInt() > 0, Duration.ofSeconds(40));
            assertThat(rtc).as("getStats").isNotNull();
            assertThat(rtc.get("framesDecoded").asInt()).as("inbound-rtp video framesDecoded").isGreaterThanOrEqualTo(60);
            assertThat(rtc.get("audioPacketsReceived").asInt()).as("inbound-rtp audio packetsReceived").isPositive();

            // garbage on the UDP port, forged ICE checks and a malformed offer: refused, playback goes on
            int before = rtc.get("framesDecoded").asInt();
            int port = h.server.webrtcPort();
            Random r = new Random(1);
            try (DatagramSocket s = new DatagramSocket()) {
                for (int i = 0; i < 2000; i++) {
                    byte[] g = new byte[1 + r.nextInt(400)];
                    r.nextBytes(g);
                    g[0] = (byte) new int[] {0, 1, 22, 128, 200}[r.nextInt(5)];
                    s.send(new DatagramPacket(g, g.length, new InetSocketAddress("127.0.0.1", port)));
                    if (i % 50 == 49) {
                        Thread.sleep(5); // paced, so the kernel's receive buffer does not drop them before we count
                    }
                }
            }
            // a check naming the live session's ICE username with the wrong password: 401, nothing more
            String answer = (String) ((JavascriptExecutor) browser.driver).executeScript(
                    "return window.kymuxPeer.remoteDescription.sdp");
            String ufrag = answer.lines().filter(l -> l.startsWith("a=ice-ufrag:")).findFirst().orElseThrow()
                    .substring("a=ice-ufrag:".length()).strip();
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                byte[] forged = new io.kymux.webrtc.stun.StunMessage(io.kymux.webrtc.stun.StunMessage.BINDING_REQUEST,
                        new byte[12], List.of(new io.kymux.webrtc.stun.StunMessage.Attribute(
                                io.kymux.webrtc.stun.StunMessage.USERNAME, (ufrag + ":evil").getBytes()))).encode("not-the-password");
                DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
                // UDP: the check or its answer may be dropped (the garbage above can still fill the
                // server's receive buffer on a loaded CI machine), so send it again as an ICE agent would
                for (int attempt = 1; ; attempt++) {
                    s.send(new DatagramPacket(forged, forged.length, new InetSocketAddress("127.0.0.1", port)));
                    try {
                        s.receive(reply);
                        break;
                    } catch (java.net.SocketTimeoutException e) {
                        if (attempt == 3) {
                            throw e;
                        }
                    }
                }
                io.kymux.webrtc.stun.StunMessage m = io.kymux.webrtc.stun.StunMessage.parse(
                        java.nio.ByteBuffer.wrap(reply.getData(), 0, reply.getLength()));
                assertThat(m.type()).as("binding error").isEqualTo(io.kymux.webrtc.stun.StunMessage.BINDING_ERROR);
            }
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + h.port() + "/whep/demo"))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString("v=0\r\nnonsense"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("cannot answer this offer");
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + h.port() + "/whep/nothing-here"))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString("v=0"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            long end = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < end && h.server.kymux().webrtc().unrouted() < 1000) {
                Thread.sleep(50);
            }
            assertThat(h.server.kymux().webrtc().unrouted()).as("garbage reached no peer").isGreaterThanOrEqualTo(1000);
            JsonNode after = awaitRtc(browser, n -> n.get("framesDecoded").asInt() >= before + 30, Duration.ofSeconds(15));
            assertThat(after.get("framesDecoded").asInt()).as("still decoding").isGreaterThanOrEqualTo(before + 30);

            // the overlay shows WebRTC's figures; the page reports them to the server
            JsonNode page = browser.awaitStats(n -> !n.get("latencyMs").isNull(), Duration.ofSeconds(10));
            assertThat(page.get("transport").asText()).isEqualTo("webrtc");
            assertThat(page.get("latencyMs").asDouble()).as("capture → track latency").isGreaterThan(0).isLessThan(2000);
            Thread.sleep(1200);
            assertThat(browser.driver.findElement(By.id("overlay")).getText()).contains("via webrtc")
                    .containsPattern("latency \\d+ ms");
            JsonNode sessions = get(h, "/api/sessions");
            assertThat(sessions).hasSize(1);
            assertThat(sessions.get(0).get("viewer").get("latencySamples").asLong()).isPositive();

            // leaving the page ends the session (WHEP DELETE)
            browser.driver.get("about:blank");
            end = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < end && get(h, "/api/sessions").size() > 0) {
                Thread.sleep(100);
            }
            assertThat(get(h, "/api/sessions")).as("session closed when the page was left").isEmpty();
        }
    }

    @Test
    void joiningMidGopWithASixtySecondGopStillDecodesAtOnce() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            h.upload("cam", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 1800, 800_000)));
            h.awaitFeedFrames("cam", 90, 30_000); // three seconds past the only keyframe
            browser.driver.get("http://localhost:" + h.port() + "/watch/cam?transport=webrtc");
            JsonNode rtc = awaitRtc(browser, n -> n.get("framesDecoded").asInt() >= 30, Duration.ofSeconds(20));
            assertThat(rtc.get("framesDecoded").asInt()).as("decoded from the cached GOP, no keyframe wait")
                    .isGreaterThanOrEqualTo(30);
            JsonNode page = browser.awaitStats(n -> !n.get("firstFrameMs").isNull(), Duration.ofSeconds(5));
            System.out.printf("webrtc mid-GOP join: first frame decoded %.0f ms after the page started WHEP%n",
                    page.get("firstFrameMs").asDouble());
        }
    }
}
