package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thin jsmpeg-style viewer of FFmpeg's own mpeg1video TS, pushed as vw's users push it
 * ({@code ffmpeg -re … -f mpegts http://host/ts/cam}): it reads at 60 % of the stream's
 * bitrate, so the relay must drop. It answers pings as a browser does, so the server paces
 * it as an acking viewer. It gets whole pictures from random-access points on, is never left
 * behind the live stream (its last byte came 4 s after the source ended before; now within
 * the budget, the send buffer and its own receive buffer), and its bytes decode with FFmpeg without an error; a
 * fast viewer beside it loses nothing.
 */
class TsSlowViewerTest {

    static final int SECONDS = 6;
    static final int BITRATE = 2_000_000;

    /** The FFmpeg program bytedeco's preset carries, next to the libraries it needs. */
    static Path ffmpegTool(Class<?> program) {
        Loader.load(org.bytedeco.ffmpeg.global.avdevice.class); // extracts every library the program links
        return Path.of(Loader.load(program));
    }

    /** Runs an FFmpeg tool, returning its exit code; stdout and stderr go to {@code out}. */
    static int run(List<String> command, ByteArrayOutputStream out, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (!command.get(0).startsWith("/usr/bin/")) { // bytedeco's program finds its libraries beside it
            pb.environment().put("LD_LIBRARY_PATH", Path.of(command.get(0)).getParent().toString());
        }
        Process p = pb.start();
        Thread copy = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        copy.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish: " + out);
        }
        copy.join(2000);
        return p.exitValue();
    }

    /** Frames FFmpeg decodes from {@code ts}; fails on any decoder or demuxer error. */
    static int decodedFrames(Path ts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = run(List.of(ffmpegTool(org.bytedeco.ffmpeg.ffmpeg.class).toString(), "-hide_banner", "-v", "error",
                "-i", ts.toString(), "-f", "framemd5", "-"), out, 60);
        String text = out.toString(StandardCharsets.UTF_8);
        List<String> errors = new ArrayList<>();
        int frames = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("0,")) {
                frames++;
            } else if (!line.startsWith("#") && !line.isBlank()) {
                errors.add(line);
            }
        }
        assertThat(rc).as("ffmpeg exit: %s", text).isZero();
        assertThat(errors).as("decoder and demuxer errors").isEmpty();
        return frames;
    }

    @Test
    void aThinTsViewerGetsWholeLivePicturesThatDecodeAndAFastOneGetsThemAll(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness()) {
            WsViewer fast = WsViewer.raw(h.port(), "/ts/cam");
            try (ThrottledTsViewer slow = new ThrottledTsViewer(h.port(), "/ts/cam", BITRATE / 8 * 6 / 10)) {
                String rate = BITRATE / 1000 + "k";
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                int rc = run(List.of(ffmpegTool(org.bytedeco.ffmpeg.ffmpeg.class).toString(), "-hide_banner",
                        "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                        "-t", String.valueOf(SECONDS), "-c:v", "mpeg1video", "-b:v", rate, "-minrate", rate,
                        "-maxrate", rate, "-bufsize", "300k", "-g", "30", "-bf", "0", "-f", "mpegts",
                        "http://127.0.0.1:" + h.port() + "/ts/cam"), log, 60);
                long endNanos = System.nanoTime();
                assertThat(rc).as("ffmpeg: %s", log).isZero();
                // let the viewers take what is still on its way to them
                long quietSince = System.nanoTime();
                long seen = -1;
                while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(1)
                        && System.nanoTime() - endNanos < TimeUnit.SECONDS.toNanos(15)) {
                    long last = slow.lastByteNanos();
                    if (last != seen) {
                        seen = last;
                        quietSince = System.nanoTime();
                    }
                    Thread.sleep(50);
                }
                long tailMs = (slow.lastByteNanos() - endNanos) / 1_000_000;

                Path slowTs = dir.resolve("slow.ts");
                Files.write(slowTs, slow.payload());
                Path fastTs = dir.resolve("fast.ts");
                ByteArrayOutputStream fastBytes = new ByteArrayOutputStream();
                fast.binaries.forEach(fastBytes::writeBytes);
                Files.write(fastTs, fastBytes.toByteArray());

                int fastFrames = decodedFrames(fastTs);
                int slowFrames = decodedFrames(slowTs);
                System.out.printf("thin TS viewer: %d of %d pictures, last byte %d ms after the source ended%n",
                        slowFrames, fastFrames, tailMs);
                assertThat(fastFrames).as("the fast viewer loses nothing").isEqualTo(SECONDS * 30);
                assertThat(slowFrames).as("the thin viewer's pictures were dropped, not queued")
                        .isBetween(10, fastFrames * 9 / 10);
                // at most the budget, the send buffer's budget of the stream (at 60 % of its rate)
                // and this viewer's own receive buffer: 100-460 ms here, 4 s before
                assertThat(tailMs).as("the thin viewer is not left behind").isLessThan(1_000);
                assertThat(tailMs).as("nor starved: it gets pictures to the end").isGreaterThan(-1_000);
            } finally {
                fast.close();
            }
        }
    }
}
