package io.kymux.app;

import static io.kymux.app.TsSlowViewerTest.decodedFrames;
import static io.kymux.app.TsSlowViewerTest.ffmpegTool;
import static io.kymux.app.TsSlowViewerTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H.264 MPEG-TS ingest, pushed as a remote lab's FFmpeg pushes it ({@code ffmpeg -re …
 * -c:v libx264 -tune zerolatency -f mpegts http://host/ts/cam}), is a packet feed too: a
 * WebCodecs-style viewer of {@code /ws/cam} gets its access units with real PTS, and they
 * decode with FFmpeg; a jsmpeg-style viewer of {@code /ts/cam} still gets the TS.
 */
class TsIngestToFeedTest {

    static final int SECONDS = 4;
    static final int FPS = 30;

    /**
     * The FFmpeg a remote lab pushes with: Debian's ({@code apt-get install ffmpeg}, which
     * .ci/run installs), a release older than bytedeco's and muxing TS its own way; the
     * bundled one where a developer's machine has no system FFmpeg.
     */
    static String pushingFfmpeg() {
        java.io.File debian = new java.io.File("/usr/bin/ffmpeg");
        return debian.canExecute() ? debian.getPath() : ffmpegTool(org.bytedeco.ffmpeg.ffmpeg.class).toString();
    }

    /** Pushes {@code SECONDS} of x264 test pattern as TS to {@code /ts/{feed}} with {@link #pushingFfmpeg}. */
    static void pushH264Ts(int port, String feed) throws Exception {
        pushH264Ts(port, feed, SECONDS, false);
    }

    /** {@code withAudio}: an AAC tone beside the picture, in the same TS. */
    static void pushH264Ts(int port, String feed, int seconds, boolean withAudio) throws Exception {
        pushH264Ts(port, feed, seconds, withAudio ? "aac" : null);
    }

    /** {@code audioEncoder}: FFmpeg's encoder of a tone beside the picture ({@code aac}, {@code libopus}), or null. */
    static void pushH264Ts(int port, String feed, int seconds, String audioEncoder) throws Exception {
        pushTs(port, feed, seconds, "libx264", audioEncoder);
    }

    /** {@code videoEncoder}: {@code libx264} or {@code libx265}. */
    static void pushTs(int port, String feed, int seconds, String videoEncoder, String audioEncoder) throws Exception {
        boolean withAudio = audioEncoder != null;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> cmd = new java.util.ArrayList<>(List.of(pushingFfmpeg(),
                "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS));
        if (withAudio) {
            cmd.addAll(List.of("-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        cmd.addAll(List.of("-t", String.valueOf(seconds), "-c:v", videoEncoder, "-preset", "ultrafast", "-tune", "zerolatency",
                "-g", String.valueOf(FPS), "-pix_fmt", "yuv420p"));
        if (withAudio) {
            cmd.addAll(List.of("-c:a", audioEncoder, "-b:a", "64k", "-ac", "2"));
        }
        cmd.addAll(List.of("-f", "mpegts", "http://127.0.0.1:" + port + "/ts/" + feed));
        int rc = run(cmd, log, 60);
        assertThat(rc).as("ffmpeg: %s", log).isZero();
    }

    /** Pushes {@code seconds} of MPEG-1 video as TS, as jsmpeg's users do, on a thread of its own. */
    static java.util.concurrent.CompletableFuture<Void> pushMpeg1InBackground(int port, String feed, int seconds) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                int rc = run(List.of(pushingFfmpeg(), "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                        "-i", "testsrc2=size=320x240:rate=30", "-t", String.valueOf(seconds),
                        "-c:v", "mpeg1video", "-b:v", "800k", "-bf", "0", "-f", "mpegts",
                        "http://127.0.0.1:" + port + "/ts/" + feed), log, 60);
                assertThat(rc).as("ffmpeg: %s", log).isZero();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** {@link #pushH264Ts} on a thread of its own. */
    static java.util.concurrent.CompletableFuture<Void> pushInBackground(int port, String feed, int seconds,
                                                                          boolean withAudio) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                pushH264Ts(port, feed, seconds, withAudio);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** Connects a viewer of {@code /ws/{name}} once the feed exists (404 before), within 10 s. */
    static WsViewer viewerOnceLive(int port, String name) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return new WsViewer(port, name);
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void anH264TsIngestIsWatchedAsAPacketFeedAndStillAsTs(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(); WsViewer ts = WsViewer.raw(h.port(), "/ts/cam")) {
            java.util.concurrent.CompletableFuture<Void> push = pushInBackground(h.port(), "cam", SECONDS, false);
            List<WsViewer.Msg> video;
            try (WsViewer packets = viewerOnceLive(h.port(), "cam")) {
                push.get(60, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(500); // what is still on its way
                video = packets.mediaOf(0);
            }
            List<WsViewer.Msg> frames = video.stream().filter(m -> !m.config()).toList();
            assertThat(video.get(0).config()).as("the config comes first").isTrue();
            assertThat(frames.get(0).key()).as("from a keyframe").isTrue();
            // joined within the first seconds: the GOP it joined in, replayed, and the rest live
            assertThat(frames.size()).as("pictures").isBetween(SECONDS * FPS / 2, SECONDS * FPS);
            // the PTS are the 90 kHz clock's, moved onto the server's: whole frames of 1/30 s apart
            // (the session may drop a late GOP: the producer cannot be asked for a keyframe)
            for (int i = 1; i < frames.size(); i++) {
                double periods = (frames.get(i).ptsUs() - frames.get(i - 1).ptsUs()) * FPS / 1e6;
                assertThat(periods).as("frame %d", i).isGreaterThan(0.9);
                assertThat(Math.abs(periods - Math.round(periods))).as("frame %d", i).isLessThan(0.05);
            }
            long now = System.currentTimeMillis() * 1000;
            assertThat(frames.get(0).ptsUs()).as("a capture time on the server's clock").isBetween(now - 30_000_000, now);

            Path annexB = dir.resolve("cam.h264");
            ByteArrayOutputStream es = new ByteArrayOutputStream();
            video.forEach(m -> es.writeBytes(m.payload()));
            Files.write(annexB, es.toByteArray());
            assertThat(decodedFrames(annexB)).as("decoded by FFmpeg").isEqualTo(frames.size());

            Path raw = dir.resolve("cam.ts");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ts.binaries.forEach(got::writeBytes);
            Files.write(raw, got.toByteArray());
            // the TS relay keeps its own policy (a group late for this viewer is dropped whole; the
            // cold JVM of a test can stall its client): what it got decodes without an error
            assertThat(decodedFrames(raw)).as("the TS viewer's bytes decode too").isGreaterThanOrEqualTo(SECONDS * FPS / 2);
        }
    }

    /**
     * While the TS becomes a packet feed, a jsmpeg-style viewer of {@code /ts/cam} still gets
     * exactly the bytes FFmpeg pushed: FFmpeg's tee muxer writes the same TS to the server and
     * to a file, and the viewer's bytes are the file's. The budget is one no stall of a loaded
     * test JVM reaches: this is about the bytes, not the deadline policy (TsSlowViewerTest).
     */
    @Test
    void theTsViewerOfAnH264IngestStillGetsByteIdenticalTs(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(io.kymux.server.ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withQueueLimits(new io.kymux.core.session.QueueLimits(600, 16L * 1024 * 1024, 5_000_000)));
             WsViewer ts = WsViewer.raw(h.port(), "/ts/cam")) {
            Path file = dir.resolve("pushed.ts");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int rc = run(List.of(pushingFfmpeg(), "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                    "-i", "testsrc2=size=320x240:rate=" + FPS, "-t", "3", "-map", "0:v", "-c:v", "libx264",
                    "-preset", "ultrafast", "-tune", "zerolatency", "-g", String.valueOf(FPS), "-pix_fmt", "yuv420p",
                    "-f", "tee", "[f=mpegts]http://127.0.0.1:" + h.port() + "/ts/cam|[f=mpegts]" + file), log, 60);
            assertThat(rc).as("ffmpeg: %s", log).isZero();
            byte[] expected = Files.readAllBytes(file);
            long end = System.nanoTime() + 10_000_000_000L;
            while (ts.binaries.stream().mapToInt(m -> m.length).sum() < expected.length && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ts.binaries.forEach(got::writeBytes);
            assertThat(expected.length).as("TS bytes pushed").isGreaterThan(3 * FPS * 188);
            assertThat(got.toByteArray()).as("what the TS viewer got, against what FFmpeg pushed").isEqualTo(expected);
            assertThat(h.server.kymux().feeds().get("cam").orElseThrow().stats().framesIn())
                    .as("the same ingest as a packet feed").isGreaterThanOrEqualTo(FPS);
        }
    }

    /**
     * H.265 in the TS (FFmpeg's libx265) is a packet feed too, with the codec string its SPS
     * gives; WebCodecs pages play it where the browser decodes HEVC, and kymux/1 and
     * WebSocket viewers get access units FFmpeg decodes.
     */
    @Test
    void anH265TsIngestBecomesAnH265FeedWhoseAccessUnitsDecode() throws Exception {
        try (Harness h = new Harness()) {
            var push = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    pushTs(h.port(), "hevc", SECONDS, "libx265", null);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            List<WsViewer.Msg> video;
            io.kymux.core.media.TrackInfo track;
            try (WsViewer packets = viewerOnceLive(h.port(), "hevc")) {
                push.get(60, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(500); // what is still on its way
                video = packets.mediaOf(0);
                track = h.server.kymux().feeds().get("hevc").orElseThrow().track().orElseThrow();
                assertThat(packets.texts).anyMatch(t -> t.contains("\"codec\":\"" + track.codecString() + "\""));
            }
            assertThat(track.codec()).isEqualTo(io.kymux.core.packet.CodecId.H265);
            assertThat(track.codecString()).as("from the SPS: Main profile").startsWith("hev1.1.6.L");
            assertThat(track.width()).isEqualTo(320);
            assertThat(track.height()).isEqualTo(240);
            List<WsViewer.Msg> frames = video.stream().filter(m -> !m.config()).toList();
            assertThat(video.get(0).config()).as("VPS, SPS and PPS come first").isTrue();
            assertThat(frames.get(0).key()).as("from a random-access picture").isTrue();
            assertThat(frames.size()).as("pictures").isBetween(SECONDS * FPS / 2, SECONDS * FPS);
            try (io.kymux.capture.PacketDecoder d = new io.kymux.capture.PacketDecoder(io.kymux.core.packet.CodecId.H265)) {
                d.decode(io.netty.buffer.Unpooled.wrappedBuffer(video.get(0).payload()), 0); // parameter sets alone
                long configErrors = d.errors();
                frames.forEach(m -> d.decode(io.netty.buffer.Unpooled.wrappedBuffer(m.payload()), m.ptsUs()));
                d.flush();
                assertThat(d.errors()).as("access units FFmpeg rejected").isEqualTo(configErrors);
                assertThat(d.framesDecoded()).as("decoded by FFmpeg").isEqualTo(frames.size());
                assertThat(d.width()).isEqualTo(320);
            }
        }
    }

    @Test
    void kymuxClientOfATsIngestWritesWhatFfmpegDecodes(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness()) {
            var push = pushInBackground(h.port(), "cam", 12, true);
            h.awaitFeedFrames("cam", 1, 20_000);
            h.awaitFeedFrames("cam.audio", 1, 20_000);
            h.server.kymux().putStream("lab", List.of("cam", "cam.audio"));
            Path out = dir.resolve("lab.ts");
            int rc = new picocli.CommandLine(new KymuxMain()).execute("client",
                    "quic://127.0.0.1:" + h.server.quicPort() + "/lab", "--fingerprint", h.server.kymux().info().fingerprint(),
                    "--format", "ts", "--out", out.toString(), "--duration", "6");
            assertThat(rc).isZero();
            ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
            // of 180: a loaded run may lose a GOP to the deadline (a TS producer cannot be asked for a key)
            assertThat(r.videoFrames()).as("video frames decoded from the client's TS").isGreaterThanOrEqualTo(90);
            assertThat(r.videoErrors()).isZero();
            assertThat(r.width()).isEqualTo(320);
            assertThat(r.audioFrames()).as("AAC frames decoded").isGreaterThanOrEqualTo(50);
            push.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void opusInTheTsBecomesAnOpusFeed() throws Exception {
        assertTheTsAudioIsAnOpusFeed("libopus");
    }

    /**
     * MP2 (MPEG-1 Layer II, stream_type 0x03; what DVB and jsmpeg's users put beside the
     * picture, and no browser decodes) is transcoded once per ingest into an Opus feed.
     */
    @Test
    void mp2InTheTsIsTranscodedIntoAnOpusFeed() throws Exception {
        assertTheTsAudioIsAnOpusFeed("mp2");
    }

    /** H.264 with {@code audioEncoder}'s tone as TS: cam.audio is Opus that FFmpeg decodes, 20 ms a packet. */
    private static void assertTheTsAudioIsAnOpusFeed(String audioEncoder) throws Exception {
        try (Harness h = new Harness()) {
            var push = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    pushH264Ts(h.port(), "cam", 8, audioEncoder);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            h.awaitFeedFrames("cam.audio", 1, 20_000);
            try (WsViewer v = viewerOnceLive(h.port(), "cam.audio")) {
                v.awaitFrames(0, 100, 15_000);
                assertThat(v.texts.get(0)).contains("\"codec\":\"opus\"").contains("\"channels\":2");
                List<WsViewer.Msg> audio = v.mediaOf(0);
                assertThat(audio.get(0).config()).as("an OpusHead first").isTrue();
                try (io.kymux.capture.PacketDecoder d = new io.kymux.capture.PacketDecoder(io.kymux.core.packet.CodecId.OPUS)) {
                    for (WsViewer.Msg m : audio.subList(1, audio.size())) {
                        d.decode(io.netty.buffer.Unpooled.wrappedBuffer(m.payload()), m.ptsUs());
                    }
                    assertThat(d.framesDecoded()).as("Opus packets decoded").isGreaterThanOrEqualTo(100);
                    assertThat(d.errors()).isZero();
                }
                for (int i = 2; i < audio.size(); i++) {
                    assertThat(audio.get(i).ptsUs() - audio.get(i - 1).ptsUs()).as("20 ms apart").isBetween(19_000L, 21_000L);
                }
                // on the picture's clock: the audio's PTS are where the video's are
                long videoPts = h.server.kymux().feeds().get("cam").orElseThrow().stats().lastPtsUs();
                assertThat(audio.get(audio.size() - 1).ptsUs()).as("beside the picture").isBetween(videoPts - 500_000,
                        videoPts + 500_000);
            }
            push.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
