package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.core.feed.Feed;
import io.kymux.server.ServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The raw TCP ingest port (--tcp-ingest FEED=HOST:PORT), as the seed's `-f kyber tcp://localhost:1234`. */
class TcpIngestTest {

    static Harness server() throws InterruptedException {
        return new Harness(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withTcpIngest(Map.of("cam", new InetSocketAddress("127.0.0.1", 0))));
    }

    @Test
    void captureOverTcpIsAFeedAndAnswersKeyframeRequests() throws Exception {
        try (Harness h = server()) {
            InetSocketAddress at = h.server.tcpIngestAddress("cam");
            TcpUpload up = new TcpUpload(URI.create("tcp://127.0.0.1:" + at.getPort()));
            Capture c = new Capture(CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 1800, 200_000)), up);
            up.onKeyframeRequest(c::requestKeyframe);
            Thread t = new Thread(c, "tcp-capture");
            t.start();
            try {
                h.awaitFeedFrames("cam", 30, 20_000);
                Feed feed = h.server.kymux().feeds().get("cam").orElseThrow();
                assertThat(feed.track()).isPresent();
                assertThat(feed.stats().keyframes()).isEqualTo(1);
                assertThat(h.framesUntilRequestedKeyframe("cam")).as("the capture answered over TCP within a few frames")
                        .isBetween(0L, 4L);
            } finally {
                c.stop();
                t.join(5000);
            }
        }
    }

    @Test
    void garbageGetsAnErrorLineAndThatConnectionIsClosed() throws Exception {
        try (Harness h = server(); Socket s = new Socket()) {
            s.connect(h.server.tcpIngestAddress("cam"), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("this is not a packet stream at all".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("{\"type\":\"error\"").contains("bad packet stream").contains("unknown codec");
            assertThat(h.server.kymux().metrics().ingestErrors("unknown_codec")).isEqualTo(1);
            // the port takes the next producer: an Opus header and one packet become a feed
            try (Socket again = new Socket()) {
                again.connect(h.server.tcpIngestAddress("cam"), 5000);
                OutputStream o = again.getOutputStream();
                o.write(java.util.HexFormat.of().parseHex("6f707573" + "4000000000000001" + "00000001" + "fc"));
                o.flush();
                long end = System.nanoTime() + 5_000_000_000L;
                while (h.server.kymux().feeds().get("cam").map(f -> f.stats().framesIn()).orElse(0L) < 1
                        && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
                assertThat(h.server.kymux().feeds().get("cam").orElseThrow().stats().framesIn()).isEqualTo(1);
            }
        }
    }
}
