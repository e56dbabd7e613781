package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kymux.capture.PacketDecoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An IP camera's H.264 over RTSP/TCP pulled into a feed ({@code POST /api/feeds
 * {"feed","pull"}}): a viewer gets frames that decode; when the camera goes away and comes
 * back on the same address the pull resumes by itself, and {@code /api/feeds} says what
 * it is doing.
 */
class RtspPullTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode feed(int port, String name) throws Exception {
        JsonNode all = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/feeds"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode f : all.get("feeds")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** Waits (bounded) until the pull's state is {@code state}; returns the feed's JSON. */
    private static JsonNode awaitPull(int port, String name, String state, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        JsonNode f = feed(port, name);
        while ((f == null || !f.path("pull").path("state").asText().equals(state)) && System.nanoTime() < end) {
            Thread.sleep(50);
            f = feed(port, name);
        }
        return f;
    }

    /** Pictures FFmpeg decodes from what a viewer got, none rejected. */
    private static long decoded(List<WsViewer.Msg> video) {
        try (PacketDecoder d = WsViewer.decodeH264(video)) {
            return d.framesDecoded();
        }
    }

    @Test
    void anRtspCameraIsPulledIntoAFeedAndResumesAfterItComesBack() throws Exception {
        FfmpegLogging.quiet();
        int cameraPort = FreePorts.tcpAndUdp();
        try (Harness h = new Harness(); RtspTestServer camera = new RtspTestServer(cameraPort)) {
            HttpResponse<String> r = post(h.port(), "/api/feeds", "{\"feed\":\"cam1\",\"pull\":\"" + camera.url() + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(post(h.port(), "/api/feeds", "{\"feed\":\"cam1\",\"pull\":\"" + camera.url() + "\"}").statusCode())
                    .as("pulled already").isEqualTo(409);
            assertThat(post(h.port(), "/api/feeds", "{\"feed\":\"cam2\",\"pull\":\"file:///etc/passwd\"}").statusCode())
                    .as("not a network source").isEqualTo(400);

            JsonNode f = awaitPull(h.port(), "cam1", "playing", 15_000);
            assertThat(f.path("pull").path("state").asText()).isEqualTo("playing");
            h.awaitFeedFrames("cam1", 1, 10_000);
            try (WsViewer v = new WsViewer(h.port(), "cam1")) {
                v.awaitFrames(0, 45, 10_000);
                assertThat(decoded(v.mediaOf(0))).as("frames pulled from the camera, decoded").isGreaterThanOrEqualTo(45);
            }
            assertThat(feed(h.port(), "cam1").get("codec").asText()).startsWith("avc1");

            camera.stop(); // the camera reboots
            f = awaitPull(h.port(), "cam1", "retrying", 15_000);
            assertThat(f.path("pull").path("state").asText()).isEqualTo("retrying");
            assertThat(f.path("pull").path("lastError").asText()).as("one readable line").isNotBlank().doesNotContain("\n");
            long before = feed(h.port(), "cam1").get("framesIn").asLong();
            camera.start();
            f = awaitPull(h.port(), "cam1", "playing", 15_000);
            assertThat(f.path("pull").path("state").asText()).isEqualTo("playing");
            assertThat(f.path("pull").path("connections").asInt()).isEqualTo(2);
            try (WsViewer v = new WsViewer(h.port(), "cam1")) {
                v.awaitFrames(0, 30, 10_000);
                assertThat(decoded(v.mediaOf(0))).as("frames after the camera came back").isGreaterThanOrEqualTo(30);
            }
            assertThat(feed(h.port(), "cam1").get("framesIn").asLong()).as("published after the restart").isGreaterThanOrEqualTo(before + 30);

            HttpResponse<String> del = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port()
                    + "/api/feeds/cam1")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(del.statusCode()).isEqualTo(200);
            assertThat(feed(h.port(), "cam1").has("pull")).as("no longer pulled").isFalse();
        }
    }
}
