package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** vw's mute: re-posting a stream without its audio feed mutes it for a connected viewer, and back. */
class MuteTest {

    private static int post(int port, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/streams"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static long frames(WsViewer v, int track) {
        return v.mediaOf(track).stream().filter(m -> !m.config()).count();
    }

    @Test
    void muteAndUnmuteALiveTrackWithoutReconnecting() throws Exception {
        try (Harness h = new Harness()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 30, 200_000)));
            h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(32_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            h.awaitFeedFrames("audio0", 1, 20_000);
            assertThat(post(h.port(), "{\"stream\":\"/stream/lab\",\"feeds\":[\"video0\",\"audio0\"]}")).isEqualTo(200);
            try (WsViewer v = new WsViewer(h.port(), "stream/lab")) {
                v.awaitFrames(1, 25, 10_000);
                assertThat(frames(v, 1)).isGreaterThanOrEqualTo(25);

                assertThat(post(h.port(), "{\"stream\":\"/stream/lab\",\"feeds\":[\"video0\"]}")).isEqualTo(200);
                Thread.sleep(300); // frames already on the wire may still land
                long audioAtMute = frames(v, 1);
                long videoAtMute = frames(v, 0);
                Thread.sleep(1500);
                assertThat(v.texts).anyMatch(t -> t.contains("\"type\":\"mute\"") && t.contains("audio0"));
                assertThat(frames(v, 1)).as("audio stopped").isEqualTo(audioAtMute);
                assertThat(frames(v, 0)).as("video continues").isGreaterThan(videoAtMute + 20);

                assertThat(post(h.port(), "{\"stream\":\"/stream/lab\",\"feeds\":[\"video0\",\"audio0\"]}")).isEqualTo(200);
                v.awaitFrames(1, (int) audioAtMute + 25, 5_000);
                assertThat(frames(v, 1)).as("audio resumed").isGreaterThanOrEqualTo(audioAtMute + 25);
                assertThat(v.texts.stream().filter(t -> t.contains("\"type\":\"hello\""))).as("never reconnected")
                        .hasSize(1);
            }
        }
    }
}
