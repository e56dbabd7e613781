package io.kymux.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One source, three renditions: each decodes at its own size, and their keyframes share PTS. */
class RenditionCaptureTest {

    @Test
    void threeRenditionsOfTheTestSourceHaveAlignedKeyframesAndDecodeAtTheirOwnSizes() throws Exception {
        List<RenditionSpec> specs = RenditionSpec.parseList("640x360@1M,320x180@300k,160x90@100k");
        List<CollectingSink> sinks = new ArrayList<>();
        List<Capture.Output> outputs = new ArrayList<>();
        for (RenditionSpec r : specs) {
            CollectingSink sink = new CollectingSink();
            sinks.add(sink);
            // a long GOP: every keyframe after the first is one asked for
            outputs.add(new Capture.Output(EncoderSettings.h264(r.width(), r.height(), 30, 3000, r.bitsPerSecond()), sink));
        }
        Capture c = new Capture(CaptureOptions.testVideo(outputs.get(0).encoder()), outputs);
        Thread t = new Thread(c, "capture");
        t.start();
        try {
            awaitMedia(sinks.get(2), 1);
            for (int i = 0; i < 3; i++) {
                Thread.sleep(400);
                c.requestKeyframe();
            }
            Thread.sleep(400);
            c.stop();
            t.join(5000);
            List<List<Long>> keyPts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CollectingSink sink = sinks.get(i);
                assertThat(sink.header.width()).isEqualTo(specs.get(i).width());
                assertThat(sink.header.height()).isEqualTo(specs.get(i).height());
                keyPts.add(sink.packets.stream().filter(p -> !p.config() && p.key()).map(MediaPacket::ptsUs).toList());
                List<MediaPacket> media = sink.packets.stream().filter(p -> !p.config()).toList();
                try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                    sink.packets.forEach(p -> dec.decode(p.payload(), p.ptsUs()));
                    assertThat(dec.framesDecoded()).as("rendition %d decodes", i).isGreaterThanOrEqualTo(media.size() - 2);
                    assertThat(dec.width()).isEqualTo(specs.get(i).width());
                    assertThat(dec.height()).isEqualTo(specs.get(i).height());
                }
            }
            assertThat(keyPts.get(0)).as("the first keyframe and one per request").hasSize(4);
            assertThat(keyPts.get(1)).as("the same PTS on every rendition").isEqualTo(keyPts.get(0));
            assertThat(keyPts.get(2)).isEqualTo(keyPts.get(0));
            List<Long> pts0 = sinks.get(0).packets.stream().filter(p -> !p.config()).map(MediaPacket::ptsUs).toList();
            List<Long> pts2 = sinks.get(2).packets.stream().filter(p -> !p.config()).map(MediaPacket::ptsUs).toList();
            assertThat(pts2).as("every picture on every rendition").isEqualTo(pts0);
        } finally {
            c.stop();
            t.join(5000);
            sinks.forEach(CollectingSink::releaseAll);
        }
    }

    /** The test source encoded on a thread of its own into a collecting sink; closing stops it and frees what it collected. */
    private static final class Running implements AutoCloseable {
        final CollectingSink sink = new CollectingSink();
        final Capture capture;
        private final Thread thread;

        Running(EncoderSettings settings) throws InterruptedException {
            capture = new Capture(CaptureOptions.testVideo(settings), sink);
            thread = new Thread(capture, "capture");
            thread.start();
            awaitMedia(sink, 1);
        }

        /** Stops the capture; the media packets it made, configs left out. */
        List<MediaPacket> stop() throws InterruptedException {
            capture.stop();
            thread.join(5000);
            return sink.packets.stream().filter(p -> !p.config()).toList();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            sink.releaseAll();
        }
    }

    @Test
    void aBitrateRequestChangesTheRunningEncodersRateWithoutAKeyframe() throws Exception {
        try (Running r = new Running(EncoderSettings.h264(640, 360, 30, 3000, 2_000_000))) {
            long start = r.sink.packets.stream().filter(p -> !p.config()).findFirst().orElseThrow().ptsUs();
            Thread.sleep(2500);
            r.capture.requestBitrate(0, 250_000);
            long askedUs = CaptureTest.nowUs();
            Thread.sleep(3000);
            List<MediaPacket> media = r.stop();
            double before = bitsPerSecond(media, start + 1_000_000, start + 2_500_000);
            double after = bitsPerSecond(media, askedUs + 1_000_000, askedUs + 3_000_000);
            System.out.printf("x264 reconfigured 2 Mbit/s -> 250 kbit/s: %.0f bit/s before, %.0f bit/s from 1 s after%n",
                    before, after);
            assertThat(before).as("bits per second at 2 Mbit/s").isGreaterThan(1_000_000);
            assertThat(after).as("bits per second from 1 s after asking for 250 kbit/s").isBetween(100_000.0, 400_000.0);
            assertThat(media.stream().filter(MediaPacket::key).count()).as("the encoder was not reopened").isEqualTo(1);
            try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                r.sink.packets.forEach(p -> dec.decode(p.payload(), p.ptsUs()));
                assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(media.size() - 2);
            }
        }
    }

    /**
     * What the server does when a rate-following viewer's link drops: a lower rate and a
     * keyframe at once. The keyframe must fit the new rate's VBV, else it takes as long on
     * the thinner link as the old rate's keyframe would.
     */
    @Test
    void aKeyframeAskedForWithALowerRateFitsTheLowerRatesVbv() throws Exception {
        try (Running r = new Running(EncoderSettings.h264(640, 360, 30, 3000, 4_000_000))) {
            Thread.sleep(2000);
            long askedUs = CaptureTest.nowUs();
            r.capture.requestBitrate(0, 500_000);
            r.capture.requestKeyframe();
            Thread.sleep(1000);
            List<MediaPacket> media = r.stop();
            MediaPacket first = media.get(0);
            MediaPacket asked = media.stream().filter(p -> p.key() && p.ptsUs() >= askedUs).findFirst().orElseThrow();
            int vbvBytes = Encoder.vbvBits(500_000) / 8;
            System.out.printf("keyframe at 4 Mbit/s: %d bytes; asked for with 500 kbit/s: %d bytes (VBV %d)%n",
                    first.payload().readableBytes(), asked.payload().readableBytes(), vbvBytes);
            assertThat(asked.payload().readableBytes()).as("the keyframe asked for with 500 kbit/s")
                    .isLessThanOrEqualTo(vbvBytes + vbvBytes / 4);
        }
    }

    static double bitsPerSecond(List<MediaPacket> media, long fromUs, long toUs) {
        long bytes = media.stream().filter(p -> p.ptsUs() >= fromUs && p.ptsUs() < toUs)
                .mapToLong(p -> p.payload().readableBytes()).sum();
        return bytes * 8e6 / (toUs - fromUs);
    }

    @Test
    void aRenditionListIsReadHighestFirstWithReadableErrors() {
        assertThat(RenditionSpec.parseList("1280x720@4M,640x360@1M,320x180@300k"))
                .containsExactly(new RenditionSpec(1280, 720, 4_000_000), new RenditionSpec(640, 360, 1_000_000),
                        new RenditionSpec(320, 180, 300_000));
        assertThat(RenditionSpec.parse("640x360@1.5M").bitsPerSecond()).isEqualTo(1_500_000);
        assertThat(RenditionSpec.parse("640x360@1M").label()).isEqualTo("360p");
        assertThatThrownBy(() -> RenditionSpec.parseList("640x360@1M,1280x720@4M"))
                .hasMessageContaining("highest bitrate down");
        assertThatThrownBy(() -> RenditionSpec.parseList("640x360@1M,480x360@500k")).hasMessageContaining("clash");
        assertThatThrownBy(() -> RenditionSpec.parse("640x360")).hasMessageContaining("WIDTHxHEIGHT@BITRATE");
        assertThatThrownBy(() -> RenditionSpec.parse("641x360@1M")).hasMessageContaining("even");
        assertThatThrownBy(() -> RenditionSpec.parse("axb@1M")).hasMessageContaining("WIDTHxHEIGHT@BITRATE");
    }

    private static void awaitMedia(CollectingSink sink, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (sink.packets.stream().filter(p -> !p.config()).count() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
