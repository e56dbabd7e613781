package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `kymux capture test --renditions …` into a server, and a viewer behind a link that
 * carries a quarter of the top rendition: it is moved to a lower one, and keeps getting
 * a smooth picture instead of a keyframe slideshow.
 */
class RenditionSwitchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aViewerReadingAQuarterOfTheTopRenditionEndsUpLowerAndGetsTwentyFramesASecond() throws Exception {
        try (Harness h = new Harness();
             KymuxProcess capture = KymuxProcess.start("capture", "test", "--renditions",
                     "640x360@1M,320x180@300k,160x90@100k", "--fps", "30", "--gop", "60",
                     "--to", "ws://127.0.0.1:" + h.port() + "/ingest/cam")) {
            for (String feed : List.of("cam", "cam~180p", "cam~90p")) {
                h.awaitFeedFrames(feed, 30, 30_000);
                assertThat(h.server.kymux().feeds().get(feed)).as("feed %s (capture said: %s)", feed, capture.said())
                        .hasValueSatisfying(f -> assertThat(f.stats().framesIn()).isGreaterThanOrEqualTo(30));
            }
            assertThat(h.server.kymux().feeds().get("cam~180p").orElseThrow().bitsPerSecond()).isEqualTo(300_000);
            try (WsViewer v = WsViewer.throttled(h.port(), "cam", 1_000_000 / 8 / 4)) {
                String rendition = awaitRendition(h, 15_000);
                assertThat(rendition).as("moved off the top rendition").startsWith("cam~");
                int before = v.mediaOf(0).size();
                long from = System.nanoTime();
                Thread.sleep(10_000);
                List<WsViewer.Msg> all = v.mediaOf(0);
                double seconds = (System.nanoTime() - from) / 1e9;
                List<WsViewer.Msg> window = all.subList(before, all.size());
                int lastConfig = -1;
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).config()) {
                        lastConfig = i;
                    }
                }
                assertThat(lastConfig).as("no switch during the window: %s", v.texts).isLessThanOrEqualTo(before);
                try (io.kymux.capture.PacketDecoder d = WsViewer.decodeH264(all.subList(lastConfig, all.size()))) {
                    long framesInWindow = window.stream().filter(m -> !m.config()).count();
                    System.out.printf("rendition %s: %.1f frames/s over %.1f s, %d decoded; switches %s%n", rendition,
                            framesInWindow / seconds, seconds, d.framesDecoded(), v.texts.size() - 2);
                    assertThat(framesInWindow / seconds).as("frames a second on %s", rendition).isGreaterThanOrEqualTo(20);
                    assertThat(d.framesDecoded()).as("all decode").isGreaterThanOrEqualTo(framesInWindow - 2);
                    assertThat(d.width()).isLessThan(640);
                }
            }
        }
    }

    @Test
    void aControllingViewerOnAThinLinkHasTheCaptureEncodeAtItsRate() throws Exception {
        try (Harness h = new Harness();
             KymuxProcess capture = KymuxProcess.start("capture", "test", "--size", "640x360", "--bitrate", "2000000",
                     "--fps", "30", "--gop", "60", "--to", "ws://127.0.0.1:" + h.port() + "/ingest/desk")) {
            h.awaitFeedFrames("desk", 60, 30_000);
            var feed = h.server.kymux().feeds().get("desk").orElseThrow();
            assertThat(feed.stats().bitrateBps()).as("2 Mbit/s before any viewer (capture said: %s)", capture.said())
                    .isGreaterThan(1_200_000);
            long linkBytesPerSecond = 500_000 / 8;
            try (WsViewer v = WsViewer.throttled(h.port(), "desk", linkBytesPerSecond, "&rate=follow")) {
                long end = System.nanoTime() + 15_000_000_000L;
                while (System.nanoTime() < end && !(feed.requestedBitsPerSecond() > 0 && feed.stats().bitrateBps() < 600_000)) {
                    Thread.sleep(200);
                }
                assertThat(feed.requestedBitsPerSecond()).as("asked for what the link carries").isBetween(100_000L, 500_000L);
                assertThat(feed.stats().bitrateBps()).as("the capture's bitrate").isLessThan(600_000);
                int before = v.mediaOf(0).size();
                long from = System.nanoTime();
                Thread.sleep(4_000);
                List<WsViewer.Msg> all = v.mediaOf(0);
                double fps = all.subList(before, all.size()).stream().filter(m -> !m.config()).count()
                        / ((System.nanoTime() - from) / 1e9);
                System.out.printf("rate following: asked %d bit/s, feed at %.0f bit/s, viewer %.1f frames/s%n",
                        feed.requestedBitsPerSecond(), feed.stats().bitrateBps(), fps);
                // x264 lands near, not under, the rate asked for: a frame here and there is still late
                assertThat(fps).as("a smooth picture through the thin link, not a slideshow").isGreaterThanOrEqualTo(20);
                try (io.kymux.capture.PacketDecoder d = WsViewer.decodeH264(all)) {
                    assertThat(d.framesDecoded()).isGreaterThanOrEqualTo(all.size() - 3);
                }
            }
        }
    }

    /** The ids of the server's sessions. */
    static List<Long> sessionIds(Harness h) throws Exception {
        JsonNode sessions = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + h.port() + "/api/sessions")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<Long> ids = new java.util.ArrayList<>();
        sessions.forEach(s -> ids.add(s.get("id").asLong()));
        return ids;
    }

    /** Pins a session's video track to a rendition ({@code "\"cam~180p\""}) or unpins it ({@code "null"}). */
    static void pin(Harness h, long session, String feedJson) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + h.port() + "/api/sessions/" + session + "/rendition"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"track\":0,\"feed\":" + feedJson + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The viewer's current rendition once it has left the top (or the top, at the deadline). */
    static String awaitRendition(Harness h, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        String feed = "cam";
        while (System.nanoTime() < end) {
            JsonNode sessions = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + h.port() + "/api/sessions")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode s : sessions) {
                for (JsonNode r : s.path("renditions")) {
                    feed = r.path("feed").asText();
                }
            }
            if (!feed.equals("cam")) {
                return feed;
            }
            Thread.sleep(200);
        }
        return feed;
    }
}
