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

    /** What a test does beside a live feed and its viewer. */
    interface BesideAGoodFeed {
        void run(Harness h, WsViewer v) throws Exception;
    }

    /** Runs {@code test} beside a live feed "good" and its viewer, then checks the viewer still gets frames. */
    private static void besideAGoodFeed(BesideAGoodFeed test) throws Exception {
        try (Harness h = new Harness()) {
            h.upload("good", CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 30, 200_000)));
            h.awaitFeedFrames("good", 1, 20_000);
            try (WsViewer v = new WsViewer(h.port(), "good")) {
                v.awaitFrames(0, 5, 5_000);
                test.run(h, v);
                int before = v.mediaOf(0).size();
                v.awaitFrames(0, before + 20, 5_000);
                assertThat(v.mediaOf(0).size()).as("the good feed's viewer still receives frames")
                        .isGreaterThanOrEqualTo(before + 20);
            }
        }
    }

    @Test
    void malformedIngestIsRejectedAndOthersKeepRunning() throws Exception {
        besideAGoodFeed((h, v) -> {
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
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.port() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).startsWith("ok");
        });
    }

    /**
     * A TS ingest of hostile bytes: a PAT and a PMT saying H.264, then packets whose PES
     * headers, PTS (near the 2^33 wrap), lengths and SPS are random or cut short. The relay
     * takes it (TS is relayed as it comes), the demuxer drops what is broken, and only that
     * ingest is touched: the good feed's viewer carries on.
     */
    @Test
    void hostileTsIngestHarmsOnlyItself() throws Exception {
        besideAGoodFeed((h, v) -> {
                java.util.Random r = new java.util.Random(7);
                java.io.ByteArrayOutputStream ts = new java.io.ByteArrayOutputStream();
                byte[] pat = ByteBufUtil.decodeHexDump("474000100000b00d0001c100000001f0002ab104b2");
                byte[] pmt = ByteBufUtil.decodeHexDump("475000100002b0120001c10000e100f0001be100f000" + "00000000");
                for (int i = 0; i < 3000; i++) {
                    if (i % 50 == 0) {
                        ts.writeBytes(java.util.Arrays.copyOf(pat, 188));
                        ts.writeBytes(java.util.Arrays.copyOf(pmt, 188));
                    }
                    byte[] p = new byte[188];
                    r.nextBytes(p);
                    p[0] = 0x47;
                    boolean start = r.nextInt(4) == 0;
                    p[1] = (byte) ((start ? 0x40 : 0) | 0x01);
                    p[2] = 0x00;
                    p[3] = (byte) (0x10 | (i & 0xf) ^ (r.nextInt(10) == 0 ? 5 : 0));
                    if (start) {
                        byte[] pes = {0, 0, 1, (byte) 0xe0, (byte) r.nextInt(256), (byte) r.nextInt(256), (byte) 0x80,
                                (byte) 0x80, 5, (byte) 0x3f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                                0, 0, 0, 1, (byte) (r.nextBoolean() ? 0x67 : 0x65)};
                        System.arraycopy(pes, 0, p, 4, r.nextInt(pes.length) + 1);
                    }
                    ts.writeBytes(p);
                }
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + h.port() + "/ts/evil"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(ts.toByteArray())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                assertThat(h.server.kymux().claimProducer("evil")).as("the hostile ingest let its feed go").isTrue();
        });
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
