package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.capture.Muxer;
import io.kymux.core.media.TrackInfos;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vw's ingest exactly as {@code ffmpeg ... -f mpegts http://host:8888/ts/video0} does it:
 * FFmpeg's own mpegts muxer and http protocol (chunked POST) → kymux → a jsmpeg-style
 * WebSocket viewer, which must receive byte-identical, 188-byte-aligned TS.
 */
class TsRelayFfmpegTest {

    record Packet(byte[] data, long ptsUs, boolean key) {
    }

    /** 60 real x264 frames of the test source, and the SPS/PPS. */
    private static List<Packet> encode(byte[][] config, StreamHeader[] header) throws Exception {
        List<Packet> out = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Capture[] cap = new Capture[1];
        cap[0] = new Capture(CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 400_000)), new PacketSink() {
            @Override
            public void open(StreamHeader h) {
                header[0] = h;
            }

            @Override
            public void accept(MediaPacket p) {
                byte[] b = ByteBufUtil.getBytes(p.payload());
                p.release();
                if (p.config()) {
                    config[0] = b;
                } else if (out.size() < 60) {
                    out.add(new Packet(b, p.ptsUs(), p.key()));
                    if (out.size() == 60) {
                        cap[0].stop();
                        done.countDown();
                    }
                }
            }

            @Override
            public void close() {
            }
        });
        Thread t = new Thread(cap[0], "encode");
        t.start();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        t.join(5000);
        return out;
    }

    /** Muxes the packets; {@code paceMs} between them, as a live source writes. */
    private static void mux(String url, List<Packet> packets, Muxer.Track track, long paceMs) throws InterruptedException {
        try (Muxer m = new Muxer("mpegts", url, List.of(track), Map.of())) {
            for (Packet p : packets) {
                m.write(0, Unpooled.wrappedBuffer(p.data()), p.ptsUs(), p.key());
                Thread.sleep(paceMs);
            }
        }
    }

    @Test
    void ffmpegMpegtsOverHttpReachesAWebSocketViewerByteIdentical(@TempDir Path dir) throws Exception {
        FfmpegLogging.quiet();
        byte[][] config = new byte[1][];
        StreamHeader[] header = new StreamHeader[1];
        List<Packet> packets = encode(config, header);
        Muxer.Track track = new Muxer.Track(TrackInfos.of(header[0], Unpooled.wrappedBuffer(config[0])), config[0]);

        // a budget no stall of a loaded test JVM reaches: this is about the bytes, not the
        // deadline policy (TsSlowViewerTest), which would rightly drop a group late for the viewer
        try (Harness h = new Harness(io.kymux.server.ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withFeedLimits(io.kymux.core.feed.FeedLimits.DEFAULT)
                .withQueueLimits(new io.kymux.core.session.QueueLimits(120, 8L * 1024 * 1024, 5_000_000)))) {
            WsViewer viewer = WsViewer.raw(h.port(), "/ts/video0");
            List<byte[]> messages = viewer.binaries;
            try {
                mux("http://127.0.0.1:" + h.port() + "/ts/video0", packets, track, 20);
                Path file = dir.resolve("same.ts");
                mux(file.toString(), packets, track, 0); // the same muxer, the same packets: the reference bytes
                byte[] expected = Files.readAllBytes(file);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (messages.stream().mapToInt(m -> m.length).sum() < expected.length && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                messages.forEach(got::writeBytes);
                assertThat(expected.length).isGreaterThan(60 * 188);
                assertThat(messages).allSatisfy(m -> assertThat(m.length % 188).isZero());
                assertThat(got.toByteArray()).isEqualTo(expected);
                assertThat(messages.size()).as("relayed as it came, not in one piece").isGreaterThan(10);
            } finally {
                viewer.close();
            }
        }
    }
}
