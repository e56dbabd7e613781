package io.kymux.app.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.app.ContainerDecoder;
import io.kymux.app.Harness;
import io.kymux.app.KymuxMain;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.client.ClientListener;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** capture → server → kymux client over QUIC on loopback, and the client's output decoded by FFmpeg. */
class QuicEndToEndTest {

    /** Counts what arrives. */
    static final class Counting implements ClientListener {
        final List<ControlMessage.Track> tracks = new CopyOnWriteArrayList<>();
        final List<ControlMessage.Error> errors = new CopyOnWriteArrayList<>();
        final AtomicLong[] frames = {new AtomicLong(), new AtomicLong()};

        @Override
        public void track(ControlMessage.Track t) {
            tracks.add(t);
        }

        @Override
        public void config(ControlMessage.Config c) {
        }

        @Override
        public void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
            frames[Math.min(track, 1)].incrementAndGet();
            payload.release();
        }

        @Override
        public void error(ControlMessage.Error e) {
            errors.add(e);
        }
    }

    static Harness twoTrackServer() throws InterruptedException {
        Harness h = new Harness();
        h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, 400_000)));
        h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
        h.awaitFeedFrames("video0", 1, 20_000);
        h.awaitFeedFrames("audio0", 1, 20_000);
        h.server.kymux().streams().put("cam", List.of("video0", "audio0"));
        return h;
    }

    @Test
    void kymuxClientWritesTsThatFfmpegDecodesVideoAndAudio(@TempDir Path dir) throws Exception {
        try (Harness h = twoTrackServer()) {
            Path out = dir.resolve("cam.ts");
            int rc = new CommandLine(new KymuxMain()).execute("client",
                    "quic://127.0.0.1:" + h.server.quicPort() + "/cam",
                    "--fingerprint", h.server.kymux().info().fingerprint().replace(":", "").toLowerCase(),
                    "--format", "ts", "--out", out.toString(), "--duration", "4");
            assertThat(rc).isZero();
            assertThat(Files.size(out)).isGreaterThan(10_000);
            ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
            assertThat(r.videoFrames()).as("video frames decoded from the client's TS").isGreaterThanOrEqualTo(60);
            assertThat(r.videoErrors()).isZero();
            assertThat(r.width()).isEqualTo(320);
            assertThat(r.audioFrames()).as("Opus frames decoded").isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void aNativeClientFollowsARenditionSwitchInTheFileItWrites(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness()) {
            h.uploadRenditionPair("desk", 400_000, 100_000);
            Path out = dir.resolve("desk.ts");
            Thread pin = new Thread(() -> {
                try {
                    long end = System.nanoTime() + 10_000_000_000L;
                    while (h.server.kymux().sessions().isEmpty() && System.nanoTime() < end) {
                        Thread.sleep(50);
                    }
                    Thread.sleep(2000);
                    h.server.kymux().sessions().iterator().next().pinRendition(0, "desk~120p");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            pin.start();
            int rc = new CommandLine(new KymuxMain()).execute("client",
                    "quic://127.0.0.1:" + h.server.quicPort() + "/desk",
                    "--fingerprint", h.server.kymux().info().fingerprint().replace(":", "").toLowerCase(),
                    "--format", "ts", "--out", out.toString(), "--duration", "5");
            pin.join(5000);
            assertThat(rc).isZero();
            ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
            assertThat(r.videoErrors()).as("no frame rejected across the switch").isZero();
            assertThat(r.videoFrames()).as("pictures before and after the switch").isGreaterThanOrEqualTo(100);
            assertThat(r.width()).as("the last pictures are the 120p rendition's").isEqualTo(160);
        }
    }

    /**
     * A native client behind a 500 kbit/s path (the relay's bottleneck, 100 ms of queue)
     * watching a 1.2 Mbit/s picture with a 150 kbit/s rendition beside it: quiche's view of
     * the path moves the session to the rendition the path carries, by itself, and the
     * client's file ends in that rendition's pictures.
     */
    @Test
    void aNativeClientBehindAThinPathMovesByItselfToTheRenditionItCarries(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness()) {
            h.uploadRenditionPair("desk", 1_200_000, 150_000);
            Path out = dir.resolve("desk.ts");
            java.util.Set<String> shown = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicLong estimate = new java.util.concurrent.atomic.AtomicLong();
            Thread watch = new Thread(() -> {
                long end = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                    for (var session : h.server.kymux().sessions()) {
                        var stats = session.stats();
                        stats.renditions().forEach(r -> shown.add(r.feed()));
                        estimate.set(stats.linkEstimateBitsPerSecond());
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watch.start();
            try (LossyUdpRelay relay = new LossyUdpRelay(
                    new java.net.InetSocketAddress("127.0.0.1", h.server.quicPort()), 0, 5, 1, false).bottleneck(500_000, 100)) {
                int rc = new CommandLine(new KymuxMain()).execute("client", "quic://127.0.0.1:" + relay.port() + "/desk",
                        "--fingerprint", h.server.kymux().info().fingerprint(), "--format", "ts", "--out", out.toString(),
                        "--duration", "8");
                assertThat(rc).isZero();
                System.out.printf("thin QUIC path: renditions shown %s, last estimate %d bit/s, relay dropped %d of %d%n",
                        shown, estimate.get(), relay.dropped.get(), relay.dropped.get() + relay.forwarded.get());
            } finally {
                watch.interrupt();
                watch.join(2000);
            }
            ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
            assertThat(shown).as("the session's rendition").contains("desk~120p");
            assertThat(r.width()).as("the last pictures are the 120p rendition's").isEqualTo(160);
            assertThat(r.videoFrames()).as("pictures decoded").isGreaterThanOrEqualTo(100);
        }
    }

    /** The audio description may come after the first video datagram; every output must still carry audio. */
    @Test
    void everyOfTenConnectionsWritesTheAudioTrack(@TempDir Path dir) throws Exception {
        try (Harness h = twoTrackServer()) {
            for (int run = 0; run < 10; run++) {
                Path out = dir.resolve("cam" + run + ".ts");
                int rc = new CommandLine(new KymuxMain()).execute("client",
                        "quic://127.0.0.1:" + h.server.quicPort() + "/cam",
                        "--fingerprint", h.server.kymux().info().fingerprint(),
                        "--format", "ts", "--out", out.toString(), "--duration", "1.2");
                assertThat(rc).isZero();
                ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
                assertThat(r.videoFrames()).as("run %d: video frames", run).isGreaterThanOrEqualTo(20);
                assertThat(r.audioFrames()).as("run %d: Opus frames", run).isGreaterThanOrEqualTo(20);
            }
        }
    }

    @Test
    void mkvOutputDecodesToo(@TempDir Path dir) throws Exception {
        try (Harness h = twoTrackServer()) {
            Path out = dir.resolve("cam.mkv");
            int rc = new CommandLine(new KymuxMain()).execute("client", "quic://127.0.0.1:" + h.server.quicPort() + "/cam",
                    "--fingerprint", h.server.kymux().info().fingerprint(), "--format", "mkv", "--out", out.toString(),
                    "--duration", "3");
            assertThat(rc).isZero();
            ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
            assertThat(r.videoFrames()).isGreaterThanOrEqualTo(45);
            assertThat(r.audioFrames()).isGreaterThanOrEqualTo(30);
            assertThat(r.videoErrors()).isZero();
        }
    }

    @Test
    void kymuxFormatIsThePacketStream(@TempDir Path dir) throws Exception {
        try (Harness h = twoTrackServer()) {
            Path out = dir.resolve("cam.kymux");
            int rc = new CommandLine(new KymuxMain()).execute("client", "quic://127.0.0.1:" + h.server.quicPort() + "/cam",
                    "--fingerprint", h.server.kymux().info().fingerprint(), "--format", "kymux", "--out", out.toString(),
                    "--duration", "2");
            assertThat(rc).isZero();
            byte[] b = Files.readAllBytes(out);
            assertThat(new String(b, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("h264");
            List<io.kymux.core.packet.PacketStreamEvent> events = new java.util.ArrayList<>();
            io.kymux.core.packet.PacketStreamDecoder d = new io.kymux.core.packet.PacketStreamDecoder(
                    io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 1 << 24);
            d.decode(io.netty.buffer.Unpooled.wrappedBuffer(b), events);
            long media = events.stream().filter(e -> e instanceof io.kymux.core.packet.MediaPacket p && !p.config()).count();
            assertThat(events.get(0)).isEqualTo(io.kymux.core.packet.StreamHeader.video(io.kymux.core.packet.CodecId.H264, 320, 240));
            assertThat(media).isGreaterThanOrEqualTo(30);
            events.forEach(e -> {
                if (e instanceof io.kymux.core.packet.MediaPacket p) {
                    p.release();
                }
            });
            d.close();
        }
    }

    @Test
    void aWrongFingerprintIsRefused() throws Exception {
        try (Harness h = twoTrackServer(); KymuxQuicClient client = new KymuxQuicClient(new Counting())) {
            String wrong = "00".repeat(32);
            assertThatThrownBy(() -> client.connect(URI.create("quic://127.0.0.1:" + h.server.quicPort() + "/cam"), wrong,
                    "", 0, 5_000)).hasMessageContaining("cannot connect");
            assertThat(h.server.kymux().sessions()).isEmpty();
        }
    }

    @Test
    void unknownStreamIsRefusedWithAReason() throws Exception {
        try (Harness h = twoTrackServer(); KymuxQuicClient client = new KymuxQuicClient(new Counting())) {
            assertThatThrownBy(() -> client.connect(URI.create("quic://127.0.0.1:" + h.server.quicPort() + "/nope"),
                    h.server.kymux().info().fingerprint(), "", 0, 5_000)).hasMessageContaining("404 no stream or feed named nope");
        }
    }
}
