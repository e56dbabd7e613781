package io.kymux.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One controlling viewer of a real producer's feed ({@code kymux bench --watch}), for the
 * rate-following figure: it acks and asks for rate following, and every 500 ms prints what
 * the feed carries, what its producer was asked for, and what the viewer got (frames, p95
 * of capture → receive, the longest gap between frames). Bounded by {@code seconds}.
 */
final class RateFollowWatch {

    static final long TICK_MS = 500;

    private RateFollowWatch() {
    }

    static void run(URI target, String feed, int localPort, int seconds, PrintStream out) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Recorder latency = new Recorder(3);
        BenchViewer v = new BenchViewer(false, latency, new AtomicLong(0), true);
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try {
            v.connect(group, URI.create("ws://" + target.getHost() + ":" + target.getPort() + "/ws/" + feed
                    + "?ack=1&rate=follow"), 0, localPort);
            out.println("t_s,feed_bps,requested_bps,frames,p95_ms,max_gap_ms");
            long start = System.nanoTime();
            long lastFrames = 0;
            Histogram all = new Histogram(3);
            long worstGapUs = 0;
            for (long tick = 1; tick <= seconds * 1000L / TICK_MS; tick++) {
                long due = start + tick * TICK_MS * 1_000_000;
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                Histogram h = latency.getIntervalHistogram();
                all.add(h);
                long gapUs = v.takeMaxGapUs();
                worstGapUs = Math.max(worstGapUs, gapUs);
                JsonNode f = feedOf(http, json, target, feed);
                long frames = v.frames();
                out.printf(Locale.ROOT, "%.1f,%d,%d,%d,%.1f,%.1f%n", tick * TICK_MS / 1000.0,
                        f == null ? -1 : f.path("bitrate").asLong(), f == null ? -1 : f.path("requestedBitrate").asLong(),
                        frames - lastFrames, h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(95) / 1000.0, gapUs / 1000.0);
                lastFrames = frames;
            }
            out.printf(Locale.ROOT, "# whole run: %d frames, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, longest gap %.1f ms%n",
                    all.getTotalCount(), all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(95) / 1000.0,
                    all.getValueAtPercentile(99) / 1000.0, worstGapUs / 1000.0);
        } finally {
            v.close();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static JsonNode feedOf(HttpClient http, ObjectMapper json, URI target, String feed) {
        try {
            JsonNode feeds = json.readTree(http.send(HttpRequest.newBuilder(target.resolve("/api/feeds")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("feeds");
            for (JsonNode f : feeds) {
                if (feed.equals(f.path("name").asText())) {
                    return f;
                }
            }
        } catch (Exception e) {
            return null; // a tick without the feed's figures; the series goes on
        }
        return null;
    }
}
