package io.kymux.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kymux.app.quic.LossyUdpRelay;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Measures (does not assert) WebTransport video with one stream per frame against one per
 * GOP, in headless Chromium through a lossy UDP relay (seeded random loss each way, 20 ms
 * each way). Not part of the test suite (its name does not end in Test); the command is in
 * docs/BENCHMARKS.md.
 */
class WebTransportLossBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MEASURE_S = 20;

    @Test
    void perFrameAgainstPerGop() throws Exception {
        // -Dloss=0,0.02 and -Dmodes=FRAME narrow the runs
        for (String loss : System.getProperty("loss", "0,0.02,0.05").split(",")) {
            for (String mode : System.getProperty("modes", "FRAME,GOP").split(",")) {
                run(ServerConfig.WebTransportStreams.valueOf(mode), Double.parseDouble(loss));
            }
        }
    }

    private void run(ServerConfig.WebTransportStreams mode, double loss) throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withQuic(ServerConfig.QuicConfig.DEFAULT.withWebTransportStreams(mode));
        try (Harness h = new Harness(cfg); Chromium browser = new Chromium();
             LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress("127.0.0.1", h.server.quicPort()),
                     loss, 20, 7, false)) {
            // 1.5 Mb/s 30 fps, 2 s GOP: delta frames span several datagrams, keyframes dozens; over the
            // WebSocket ingest, so the page's keyframe requests reach the encoder
            CaptureOptions source = CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 60, 1_500_000));
            if (Boolean.getBoolean("httpIngest")) {
                h.upload("v", source);
            } else {
                h.uploadOverWebSocket("v", source);
            }
            h.awaitFeedFrames("v", 1, 20_000);
            browser.driver.get("http://127.0.0.1:" + h.port() + "/watch/v?transport=webtransport&quicport="
                    + relay.port());
            JsonNode start = browser.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 30, Duration.ofSeconds(30));
            long keysAtStart = h.server.kymux().feeds().get("v").orElseThrow().stats().keyframes();
            Thread.sleep(MEASURE_S * 1000L);
            JsonNode end = browser.stats();
            long keys = h.server.kymux().feeds().get("v").orElseThrow().stats().keyframes() - keysAtStart;
            JsonNode sessions = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + h.port() + "/api/sessions")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode session = sessions.get(sessions.size() - 1);
            JsonNode v = session.get("viewer");
            System.out.printf("FIGURE webtransport %s streams, loss %.0f %% each way, 40 ms RTT: %d frames decoded in %d s"
                            + " (%d sent), %d skipped by the page, %d keyframes (%d expected), capture→decode p50 %d /"
                            + " p95 %d / p99 %d ms over %d frames, relay dropped %d of %d datagrams, server dropped %d%n",
                    mode.name().toLowerCase(), loss * 100,
                    end.get("videoFramesDecoded").asInt() - start.get("videoFramesDecoded").asInt(), MEASURE_S,
                    MEASURE_S * 30, end.get("droppedFrames").asInt() - start.get("droppedFrames").asInt(), keys,
                    MEASURE_S / 2, v.get("latencyP50Ms").asLong(), v.get("latencyP95Ms").asLong(),
                    v.get("latencyP99Ms").asLong(), v.get("latencySamples").asLong(), relay.dropped.get(),
                    relay.dropped.get() + relay.forwarded.get(), session.get("dropped").asLong());
        }
    }
}
