package io.kymux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.h264.H264Config;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureTest {

    private static List<MediaPacket> capture(CaptureOptions opts, CollectingSink sink, long millis, Runnable midway)
            throws Exception {
        Capture c = new Capture(opts, sink);
        Thread t = new Thread(c, "capture");
        t.start();
        awaitFirstPacket(sink);
        Thread.sleep(millis / 2);
        midway.run();
        Thread.sleep(millis / 2);
        c.stop();
        t.join(5000);
        return sink.packets;
    }

    @Test
    void testPatternEncodesWithConfigFirstAndRealTimePts() throws Exception {
        CollectingSink sink = new CollectingSink();
        long startUs = nowUs();
        List<MediaPacket> packets = capture(CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 300, 500_000)),
                sink, 1500, () -> { });
        try {
            assertThat(sink.header.codec()).isEqualTo(CodecId.H264);
            assertThat(sink.header.width()).isEqualTo(320);
            assertThat(packets.get(0).config()).as("SPS/PPS come first as a config packet").isTrue();
            assertThat(H264Config.findSps(packets.get(0).payload())).get()
                    .satisfies(s -> assertThat(s.width()).isEqualTo(320));
            assertThat(packets.get(1).key()).isTrue();
            List<MediaPacket> media = packets.stream().filter(p -> !p.config()).toList();
            assertThat(media.size()).isBetween(30, 70); // ~1.5 s at 30 fps
            for (int i = 1; i < media.size(); i++) {
                long step = media.get(i).ptsUs() - media.get(i - 1).ptsUs();
                // increasing; a capture that fell behind stamps two frames well under 1 ms apart
                // (953 µs in one CI run), so the unit shows in the mean step below, not here
                assertThat(step).as("real-time PTS steps (µs), increasing").isBetween(1L, 500_000L);
            }
            double meanStep = (media.get(media.size() - 1).ptsUs() - media.get(0).ptsUs()) / (media.size() - 1.0);
            assertThat(meanStep).as("30 fps: ~33 ms apart on average").isBetween(25_000.0, 45_000.0);
            assertThat(media.get(0).ptsUs()).isBetween(startUs, nowUs());
            try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                packets.forEach(p -> dec.decode(p.payload(), p.ptsUs()));
                assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(media.size() - 2);
                assertThat(dec.width()).isEqualTo(320);
            }
        } finally {
            sink.releaseAll();
        }
    }

    @Test
    void keyframeRequestIsHonouredWithinAFrame() throws Exception {
        CollectingSink sink = new CollectingSink();
        Capture[] holder = new Capture[1];
        CaptureOptions opts = CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 3000, 200_000));
        Capture c = new Capture(opts, sink);
        Thread t = new Thread(c);
        t.start();
        awaitFirstPacket(sink);
        Thread.sleep(500);
        int before = sink.packets.size();
        c.requestKeyframe();
        Thread.sleep(300);
        c.stop();
        t.join(5000);
        try {
            List<MediaPacket> after = sink.packets.subList(before, sink.packets.size()).stream()
                    .filter(p -> !p.config()).toList();
            assertThat(after.subList(0, 2)).anyMatch(MediaPacket::key);
        } finally {
            sink.releaseAll();
        }
    }

    @Test
    void toneEncodesToOpusWithOpusHeadConfig() throws Exception {
        CollectingSink sink = new CollectingSink();
        List<MediaPacket> packets = capture(CaptureOptions.testAudio(EncoderSettings.opus(64_000)), sink, 1000,
                () -> { });
        try {
            assertThat(sink.header.codec()).isEqualTo(CodecId.OPUS);
            assertThat(packets.get(0).config()).isTrue();
            assertThat(packets.get(0).payload().toString(0, 8, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("OpusHead");
            List<MediaPacket> media = packets.stream().filter(p -> !p.config()).toList();
            assertThat(media.size()).isBetween(35, 70); // 20 ms frames
            try (PacketDecoder dec = new PacketDecoder(CodecId.OPUS)) {
                media.forEach(p -> dec.decode(p.payload(), p.ptsUs()));
                assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(media.size() - 2);
            }
        } finally {
            sink.releaseAll();
        }
    }

    /** The first FFmpeg use loads native libraries, which can take a while on a cold machine. */
    private static void awaitFirstPacket(CollectingSink sink) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (sink.packets.stream().noneMatch(p -> !p.config()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    static long nowUs() {
        return io.kymux.core.media.RealtimeClock.nowUs();
    }
}
