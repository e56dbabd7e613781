package io.kymux.app;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.core.feed.FeedLimits;
import io.kymux.server.KymuxServer;
import io.kymux.server.ServerConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A server on a free loopback port plus capture processes uploading to it over HTTP, all stopped by close(). */
public final class Harness implements AutoCloseable {

    public final KymuxServer server;
    private final List<Capture> captures = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    public Harness() throws InterruptedException {
        this(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0).withFeedLimits(FeedLimits.DEFAULT));
    }

    public Harness(ServerConfig config) throws InterruptedException {
        this(config, io.kymux.core.media.RealtimeClock::nowUs);
    }

    /** A server on a clock of the test's (e.g. real time plus an offset it moves). */
    public Harness(ServerConfig config, java.util.function.LongSupplier clockUs) throws InterruptedException {
        FfmpegLogging.quiet();
        server = new KymuxServer(config, clockUs).start();
        server.kymux().pulls().use(new FfmpegPuller(clockUs));
        server.kymux().useTranscoder(new FfmpegTranscoder());
    }

    public int port() {
        return server.port();
    }

    /** Starts a capture that POSTs to /ingest/{feed}, exactly as `kymux capture --to` does. */
    public Capture upload(String feed, CaptureOptions opts) {
        return run(feed, new Capture(opts, new HttpUpload(URI.create("http://127.0.0.1:" + port() + "/ingest/" + feed))));
    }

    /** Starts a capture over the bidirectional WebSocket ingest, so the server can ask it for keyframes. */
    public Capture uploadOverWebSocket(String feed, CaptureOptions opts) {
        WebSocketUpload up = new WebSocketUpload(URI.create("ws://127.0.0.1:" + port() + "/ingest/" + feed));
        Capture c = new Capture(opts, up);
        up.onKeyframeRequest(c::requestKeyframe);
        return run(feed, c);
    }

    /**
     * A rendition set of the test source over the WebSocket ingest: {@code feed} at 320×240 and
     * {@code feed~120p} at 160×120, each at its bitrate, both producing when this returns.
     */
    public void uploadRenditionPair(String feed, long topBitsPerSecond, long lowBitsPerSecond) throws InterruptedException {
        uploadOverWebSocket(feed, CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, topBitsPerSecond)));
        uploadOverWebSocket(feed + "~120p", CaptureOptions.testVideo(EncoderSettings.h264(160, 120, 30, 60, lowBitsPerSecond)));
        awaitFeedFrames(feed, 1, 20_000);
        awaitFeedFrames(feed + "~120p", 1, 20_000);
    }

    private Capture run(String feed, Capture c) {
        Thread t = new Thread(c, "capture-" + feed);
        t.setDaemon(true);
        t.start();
        captures.add(c);
        threads.add(t);
        return c;
    }

    /**
     * Asks a live feed's producer for a keyframe through the feed (the ingest's back channel)
     * and returns how many frames the feed received before the keyframe arrived, or -1 if
     * none came within 5 s. Expects the feed to have had exactly one keyframe so far.
     */
    public long framesUntilRequestedKeyframe(String feed) throws InterruptedException {
        io.kymux.core.feed.Feed f = server.kymux().feeds().get(feed).orElseThrow();
        long keys = f.stats().keyframes();
        long framesAtRequest = f.stats().framesIn();
        if (!f.requestKeyframe(nowUs())) {
            return -1;
        }
        long end = System.nanoTime() + 5_000_000_000L;
        while (f.stats().keyframes() == keys && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return f.stats().keyframes() > keys ? f.stats().framesIn() - framesAtRequest : -1;
    }

    /** Waits (bounded) until a feed has published at least {@code n} keyframes; false if it did not. */
    public boolean awaitFeedKeyframes(String feed, long n, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            var f = server.kymux().feeds().get(feed);
            if (f.isPresent() && f.get().stats().keyframes() >= n) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits (bounded) until a feed has published at least {@code n} frames. */
    public void awaitFeedFrames(String feed, long n, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            var f = server.kymux().feeds().get(feed);
            if (f.isPresent() && f.get().stats().framesIn() >= n) {
                return;
            }
            Thread.sleep(20);
        }
    }

    public static long nowUs() {
        return io.kymux.core.media.RealtimeClock.nowUs();
    }

    @Override
    public void close() throws InterruptedException {
        captures.forEach(Capture::stop);
        for (Thread t : threads) {
            t.join(5000);
        }
        server.close();
    }
}
