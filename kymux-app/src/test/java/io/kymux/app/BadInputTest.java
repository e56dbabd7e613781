package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.netty.buffer.ByteBufUtil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Malformed ingest is rejected with a clear message; a live feed and its viewer carry on. */
class BadInputTest {

    @Test
    void malformedIngestIsRejectedAndOthersKeepRunning() throws Exception {
        try (Harness h = new Harness()) {
            h.upload("good", CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 30, 200_000)));
            h.awaitFeedFrames("good", 1, 20_000);
            try (WsViewer v = new WsViewer(h.port(), "good")) {
                v.awaitFrames(0, 5, 5_000);
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                assertRejected(http, h, "garbage", "0102030405060708090a0b0c", 400, "unknown codec id 0x01020304");
                assertRejected(http, h, "trunc", "68323634 00000140 000000f0 80000000", 400,
                        "stream ended inside a packet header");
                assertRejected(http, h, "huge", "6f707573 0000000000000001 40000000", 400,
                        "packet size 1073741824 exceeds limit");
                assertRejected(http, h, "unknown", "76703038", 400, "unknown codec id 0x76703038");
                assertRejected(http, h, "bad/name", "6f707573", 400, "bad feed name");
                assertRejected(http, h, "good", "6f707573", 409, "already has a producer");
                assertThat(h.server.kymux().metrics().ingestErrors("unknown_codec")).isEqualTo(2);
                assertThat(h.server.kymux().metrics().ingestErrors("packet_too_large")).isEqualTo(1);
                assertThat(h.server.kymux().metrics().ingestErrors("truncated")).isEqualTo(1);
                int before = v.mediaOf(0).size();
                v.awaitFrames(0, before + 20, 5_000);
                assertThat(v.mediaOf(0).size()).as("the good feed's viewer still receives frames")
                        .isGreaterThanOrEqualTo(before + 20);
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.port() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).startsWith("ok");
            }
        }
    }

    private static void assertRejected(HttpClient http, Harness h, String feed, String hex, int status, String message)
            throws Exception {
        byte[] body = ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.port() + "/ingest/" + feed))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(feed).isEqualTo(status);
        assertThat(r.body()).as(feed).contains(message);
    }
}
