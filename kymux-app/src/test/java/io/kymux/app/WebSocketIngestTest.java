package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.core.feed.Feed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bidirectional ingest: the server asks `kymux capture` for a keyframe and gets one at once. */
class WebSocketIngestTest {

    @Test
    void keyframeRequestsReachTheCaptureOverTheWebSocketIngest() throws Exception {
        try (Harness h = new Harness()) {
            WebSocketUpload up = new WebSocketUpload(URI.create("ws://127.0.0.1:" + h.port() + "/ingest/cam"));
            Capture c = new Capture(CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 1800, 200_000)), up);
            up.onKeyframeRequest(c::requestKeyframe);
            Thread t = new Thread(c, "ws-capture");
            t.start();
            try {
                h.awaitFeedFrames("cam", 30, 20_000);
                Feed feed = h.server.kymux().feeds().get("cam").orElseThrow();
                assertThat(feed.stats().keyframes()).as("one keyframe per 60 s GOP so far").isEqualTo(1);
                // without the back channel the next keyframe is 1800 frames away; a loaded CI
                // machine once had 7 frames already in the encoder when the request came
                assertThat(h.framesUntilRequestedKeyframe("cam")).as("the capture answered within half a second")
                        .isBetween(0L, 15L);
            } finally {
                c.stop();
                t.join(5000);
            }
        }
    }

    @Test
    void garbageOnTheWebSocketIngestClosesThatConnectionOnly() throws Exception {
        try (Harness h = new Harness()) {
            h.upload("good", CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 30, 200_000)));
            h.awaitFeedFrames("good", 1, 20_000);
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + h.port() + "/ingest/junk"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(code + " " + reason);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), true);
            assertThat(closed.get(10, TimeUnit.SECONDS)).startsWith("1007").contains("unknown codec id 0x01020304");
            long before = h.server.kymux().feeds().get("good").orElseThrow().stats().framesIn();
            h.awaitFeedFrames("good", before + 10, 5_000);
            assertThat(h.server.kymux().feeds().get("good").orElseThrow().stats().framesIn())
                    .isGreaterThanOrEqualTo(before + 10);
            assertThat(h.server.kymux().metrics().ingestErrors("unknown_codec")).isEqualTo(1);
        }
    }
}
