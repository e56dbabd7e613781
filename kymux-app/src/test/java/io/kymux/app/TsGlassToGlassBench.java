package io.kymux.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Measures (does not assert) glass to glass from an FFmpeg MPEG-TS ingest to a Chromium
 * page, over WebTransport (WebCodecs), WebRTC (WHEP) and, beside them in the same run, the
 * same pictures as mpeg1video through kymux's {@code /ts/} relay into the real jsmpeg
 * player. One Debian FFmpeg encodes {@link TimeStampedPictures} twice, x264 to
 * {@code /ts/cam} and mpeg1video to {@code /ts/mp1}, as a remote lab's FFmpeg pushes; each
 * page reads the time stamped into the pictures it shows (glass-probe.js). Not part of the
 * suite; run it with kymux-bench/ts-glass-to-glass.sh (which fetches jsmpeg from npm) or
 * the command in docs/BENCHMARKS.md.
 */
class TsGlassToGlassBench {

    private static final int FPS = 30;
    private static final int WARM_UP_S = 8;
    private static final int MEASURE_S = Integer.getInteger("seconds", 20);

    @Test
    void measure() throws Exception {
        String jsmpeg = Files.readString(Path.of(System.getProperty("jsmpeg",
                "/tmp/jsmpeg/package/dist/jsmpeg-player.umd.min.js")));
        String probe = new String(TsGlassToGlassBench.class.getResourceAsStream("glass-probe.js").readAllBytes(),
                StandardCharsets.UTF_8);
        try (Harness h = new Harness()) {
            String base = "127.0.0.1:" + h.port();
            // an x264 encode for WebCodecs and WebRTC, and an mpeg1video encode of the same pictures for jsmpeg
            Process ffmpeg = new ProcessBuilder(TsIngestToFeedTest.pushingFfmpeg(), "-hide_banner", "-loglevel", "error",
                    "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", TimeStampedPictures.WIDTH + "x" + TimeStampedPictures.HEIGHT,
                    "-framerate", String.valueOf(FPS), "-i", "-",
                    "-map", "0", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "60",
                    "-b:v", "1500k", "-f", "mpegts", "http://" + base + "/ts/cam",
                    "-map", "0", "-c:v", "mpeg1video", "-b:v", "1500k", "-bf", "0", "-g", "60",
                    "-f", "mpegts", "http://" + base + "/ts/mp1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            long frames = (long) FPS * (WARM_UP_S + MEASURE_S + 30);
            Thread source = new Thread(new TimeStampedPictures(ffmpeg.getOutputStream(), FPS, frames), "pictures");
            source.start();
            try (Chromium wt = new Chromium(); Chromium rtc = new Chromium(); Chromium js = new Chromium()) {
                h.awaitFeedFrames("cam", 30, 20_000);
                open(wt, "http://" + base + "/watch/cam?transport=webtransport", "webtransport");
                open(rtc, "http://" + base + "/watch/cam?transport=webrtc", "webrtc");
                js.driver.get("http://" + base + "/");
                script(js, jsmpeg);
                script(js, "const c = document.createElement('canvas'); c.id = 'jsmpeg'; document.body.prepend(c);"
                        + "window.jsmpegPlayer = new JSMpeg.Player(arguments[0], {canvas: c, disableGl: true,"
                        + " audio: false, onVideoDecode: () => { window.jsmpegDecoded = (window.jsmpegDecoded || 0) + 1; }});",
                        "ws://" + base + "/ts/mp1");
                script(wt, probe, "#video");
                script(rtc, probe, "#rtc");
                script(js, probe, "#jsmpeg");
                Thread.sleep(WARM_UP_S * 1000L);
                for (Chromium c : List.of(wt, rtc, js)) {
                    script(c, "window.kymuxGlass.samples = []; window.kymuxGlass.pictures = 0; window.kymuxGlass.torn = 0;");
                }
                long[] before = {decoded(wt), decoded(rtc), decoded(js)};
                Thread.sleep(MEASURE_S * 1000L);
                report("WebTransport (WebCodecs), H.264 /ts/cam", wt, decoded(wt) - before[0]);
                report("WebRTC (WHEP), H.264 /ts/cam", rtc, decoded(rtc) - before[1]);
                report("jsmpeg, mpeg1video /ts/mp1", js, decoded(js) - before[2]);
                // what the server dropped for each (a frame late past the budget, then up to a GOP
                // waiting for the next keyframe: a TS producer cannot be asked for one)
                JsonNode sessions = new ObjectMapper().readTree(java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + base + "/api/sessions")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode n : sessions) {
                    System.out.printf("FIGURE session %s of %s: %s frames dropped by the server in all%n",
                            n.get("id"), n.get("target").asText(), n.get("dropped"));
                }
            } finally {
                source.interrupt();
                ffmpeg.destroy();
            }
        }
    }

    private static void open(Chromium c, String url, String transport) throws Exception {
        c.driver.get(url);
        JsonNode s = c.awaitStats(n -> n.get("videoFramesDecoded").asInt() > 0, Duration.ofSeconds(20));
        if (s == null || !transport.equals(s.get("transport").asText())) {
            throw new IllegalStateException(url + " played over " + (s == null ? "nothing" : s.get("transport")));
        }
    }

    /** Pictures the page's decoder has output: the kymux player's count, or jsmpeg's onVideoDecode calls. */
    private static long decoded(Chromium c) throws Exception {
        Object n = script(c, "return window.kymuxStats ? window.kymuxStats.videoFramesDecoded : (window.jsmpegDecoded || 0)");
        return ((Number) n).longValue();
    }

    private static Object script(Chromium c, String body, Object... args) {
        return ((JavascriptExecutor) c.driver).executeScript(body, args);
    }

    private static void report(String what, Chromium c, long decoded) throws Exception {
        JsonNode g = new ObjectMapper().readTree((String) script(c, "return JSON.stringify(window.kymuxGlass)"));
        long[] ms = new long[g.get("samples").size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = g.get("samples").get(i).asLong();
        }
        Arrays.sort(ms);
        System.out.printf("FIGURE glass to glass, FFmpeg TS ingest → %s: %d decoded and %d shown of %d pictures in"
                        + " %d s, p50 %s / p95 %s / p99 %s / max %s ms (%d torn reads skipped)%n",
                what, decoded, ms.length, FPS * MEASURE_S, MEASURE_S, at(ms, 0.50), at(ms, 0.95), at(ms, 0.99),
                ms.length == 0 ? "-" : ms[ms.length - 1], g.get("torn").asLong());
    }

    private static String at(long[] sorted, double q) {
        return sorted.length == 0 ? "-" : String.valueOf(sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    }
}
