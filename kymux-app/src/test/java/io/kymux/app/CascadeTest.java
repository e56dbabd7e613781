package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.capture.PacketDecoder;
import io.kymux.core.packet.CodecId;
import io.kymux.server.KymuxServer;
import io.kymux.server.ServerConfig;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vw's use case with kymux on both ends: a device kymux behind a firewall pushes a two-track
 * stream out over WebSocket to a public kymux, whose viewers decode it (device → public → viewer).
 */
class CascadeTest {

    @Test
    void deviceKymuxPushesAStreamToAPublicKymuxWhoseViewersDecodeIt() throws Exception {
        try (Harness device = new Harness();
             KymuxServer pub = new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)).start()) {
            device.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, 400_000)));
            device.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
            post(device.port(), "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\",\"audio0\"]}");
            post(device.port(), "/api/destinations", "{\"stream\":\"/stream/front/large\",\"destination\":\"ws://127.0.0.1:"
                    + pub.port() + "/ingest/{feed}\",\"id\":\"0\"}");
            // the public side names the same stream for its viewers
            post(pub.port(), "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\",\"audio0\"]}");
            try (WsViewer v = new WsViewer(pub.port(), "stream/front/large")) {
                v.awaitFrames(0, 70, 30_000);
                v.awaitFrames(1, 20, 10_000);
                List<WsViewer.Msg> video = v.mediaOf(0);
                assertThat(video).isNotEmpty();
                assertThat(video.get(0).config()).as("the public kymux got the config from the device").isTrue();
                try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                    video.forEach(m -> dec.decode(Unpooled.wrappedBuffer(m.payload()), m.ptsUs()));
                    assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(60);
                    assertThat(dec.width()).isEqualTo(320);
                }
                try (PacketDecoder dec = new PacketDecoder(CodecId.OPUS)) {
                    v.mediaOf(1).stream().filter(m -> !m.config())
                            .forEach(m -> dec.decode(Unpooled.wrappedBuffer(m.payload()), m.ptsUs()));
                    assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(15);
                }
                // capture PTS survive the hop, so glass-to-glass is still measurable at the far end
                WsViewer.Msg last = video.get(video.size() - 1);
                assertThat(Harness.nowUs() - last.ptsUs()).isBetween(0L, 5_000_000L);
            }
            // the public kymux can ask the device's producer for a keyframe through the cascade
            var deviceVideo = device.server.kymux().feeds().get("video0").orElseThrow();
            long keysBefore = deviceVideo.stats().keyframes();
            pub.kymux().feeds().get("video0").orElseThrow().requestKeyframe(Harness.nowUs() + 10_000_000);
            long end = System.nanoTime() + 5_000_000_000L;
            while (deviceVideo.stats().keyframes() == keysBefore && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(deviceVideo.stats().keyframes()).as("keyframe request reached the capture").isGreaterThan(keysBefore);
        }
    }

    private static void post(int port, String path, String json) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
