package io.kymux.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Measures (does not assert) the browser figures of docs/BENCHMARKS.md: glass-to-glass
 * latency of a 1280x720 30 fps x264 source in headless Chromium, and connect → first
 * decoded frame with a 10 s GOP, over the WebSocket and over WebTransport. Not part of the
 * test suite (its name does not end in Test); run it with the command in docs/BENCHMARKS.md.
 */
class BrowserFiguresBench {

    @Test
    void measure() throws Exception {
        // -Dtransport=websocket|webtransport picks one; both by default
        for (String transport : System.getProperty("transport", "websocket,webtransport").split(",")) {
            measure(transport);
        }
    }

    private void measure(String transport) throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium()) {
            // -Dingest=http: the one-way POST ingest, whose producer cannot be asked for a keyframe,
            // so a viewer that drops a frame waits for the next scheduled one (up to the 10 s GOP)
            CaptureOptions source = CaptureOptions.testVideo(EncoderSettings.h264(1280, 720, 30, 300, 2_000_000));
            boolean http = "http".equals(System.getProperty("ingest", "ws"));
            if (http) {
                h.upload("hd", source);
            } else {
                h.uploadOverWebSocket("hd", source);
            }
            h.awaitFeedFrames("hd", 45, 30_000); // mid-GOP: 1.5 s into a 10 s GOP
            StringBuilder firstFrames = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/hd?transport=" + transport);
                JsonNode s = browser.awaitStats(n -> !n.get("firstFrameMs").isNull(), Duration.ofSeconds(20));
                if (!s.get("transport").asText().equals(transport)) {
                    throw new IllegalStateException("played over " + s.get("transport") + ", not " + transport);
                }
                firstFrames.append(String.format(" %.0f", s.get("firstFrameMs").asDouble()));
            }
            Thread.sleep(20_000); // 20 s of glass-to-glass samples from the last page
            JsonNode sessions = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + h.port() + "/api/sessions")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode last = sessions.get(sessions.size() - 1);
            JsonNode v = last.get("viewer");
            StringBuilder ingest = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                JsonNode feeds = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.port() + "/api/feeds")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                ingest.append(' ').append(feeds.get("feeds").get(0).get("ingestDelayMs").asText());
                Thread.sleep(300);
            }
            System.out.println("FIGURE " + transport + " capture+encode+upload (ingest delay) samples (ms):" + ingest);
            System.out.println("FIGURE " + transport + " connect→first decoded frame, 10 s GOP, 5 page loads (ms):"
                    + firstFrames);
            // the percentiles cover decoded frames only: say how many there were, and what the
            // server dropped for this page, so a viewer frozen while waiting for a keyframe shows
            System.out.println("FIGURE " + transport + " glass-to-glass 1280x720 30 fps x264 → Chromium, "
                    + (http ? "HTTP" : "WebSocket") + " ingest, " + v.get("latencySamples")
                    + " frames: p50 " + v.get("latencyP50Ms") + " ms, p95 " + v.get("latencyP95Ms") + " ms, p99 "
                    + v.get("latencyP99Ms") + " ms; page decoded " + v.get("videoFramesDecoded")
                    + " frames in all, server dropped " + last.get("dropped") + " for it");
        }
    }
}
