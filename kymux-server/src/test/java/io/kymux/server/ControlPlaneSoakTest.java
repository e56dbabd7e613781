package io.kymux.server;

import static io.kymux.server.TestServers.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.feed.Feed;
import io.kymux.testing.LeakRecorder;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * vw leaked and panicked under churn; kymux must not. 10,000 cycles of create stream →
 * create destination → delete destination → delete stream, through the REST API, while a
 * feed is live, a viewer watches the stream and destinations really connect to a second
 * kymux. Afterwards threads, direct memory and subscriptions are back to their baseline
 * and Netty's leak detector (PARANOID) reported nothing.
 */
class ControlPlaneSoakTest {

    static final int CYCLES = 10_000;

    @Test
    void tenThousandCreateDeleteCyclesLeaveNothingBehind() throws Exception {
        ExecutorService httpThreads = Executors.newSingleThreadExecutor();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads).build();
        AtomicBoolean run = new AtomicBoolean(true);
        try (KymuxServer s = TestServers.start(); KymuxServer remote = TestServers.start()) {
            Feed video = TestServers.openSyntheticVideo(s, "video0");
            Thread producer = new Thread(() -> {
                // a backstop only: the test stops it. At 3 minutes it once ran out before a slow
                // CI run (168 s of cycles instead of 40-67 s) checked that the viewer still receives
                long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                for (int i = 0; run.get() && System.nanoTime() < end; i++) {
                    TestServers.publishSynthetic(s, video, i);
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
            }, "producer");
            producer.start();
            String base = "http://127.0.0.1:" + s.port();
            call(http, "POST", base + "/api/streams", "{\"stream\":\"stream/soak\",\"feeds\":[\"video0\"]}");
            AtomicLong viewerMessages = new AtomicLong();
            WebSocket viewer = http.newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + s.port() + "/ws/stream/soak"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                            viewerMessages.incrementAndGet();
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            String dest = "ws://127.0.0.1:" + remote.port() + "/ingest/{feed}";

            cycles(http, base, dest, 200); // warm up: event loop threads, pools, JIT
            // links close on their event loops: let the last ones finish before the baseline
            // (with the stream deleted, the viewer is muted too: no sink is left on the feed)
            assertThat(await(() -> video.stats().viewers() == 0, 10_000)).isTrue();
            Baseline before = Baseline.take(video);
            long t0 = System.nanoTime();
            cycles(http, base, dest, CYCLES);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("soak: %d cycles (%d API calls) in %.1f s%n", CYCLES, CYCLES * 4, seconds);

            assertThat(await(() -> video.stats().viewers() == before.feedSinks(), 10_000))
                    .as("destination sessions unsubscribed (feed sinks %d, baseline %d)", video.stats().viewers(),
                            before.feedSinks()).isTrue();
            assertThat(s.kymux().destinations().all()).isEmpty();
            assertThat(s.kymux().streams().all()).isEmpty();
            assertThat(s.kymux().sessions()).hasSize(1); // the viewer, still connected
            assertThat(await(() -> Baseline.take(video).threads() <= before.threads(), 10_000))
                    .as("threads %s vs %s", Baseline.take(video), before).isTrue();
            Baseline after = Baseline.take(video);
            assertThat(after.pooledDirect()).as("pooled direct memory, bytes").isLessThanOrEqualTo(before.pooledDirect() + (16 << 20));
            assertThat(after.nioDirect()).as("NIO direct buffers, bytes").isLessThanOrEqualTo(before.nioDirect() + (4 << 20));
            // the viewer saw the stream come and go 10,000 times without being dropped
            long seen = viewerMessages.get();
            call(http, "POST", base + "/api/streams", "{\"stream\":\"stream/soak\",\"feeds\":[\"video0\"]}");
            assertThat(await(() -> viewerMessages.get() > seen + 5, 5_000)).as("viewer still receives").isTrue();
            viewer.abort();
            run.set(false);
            producer.join(5_000);
        } finally {
            run.set(false);
            httpThreads.shutdownNow();
        }
        assertThat(LeakRecorder.leaks()).as("Netty leak reports").isEmpty();
    }

    private static void cycles(HttpClient http, String base, String dest, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String id = "d" + (i % 8);
            call(http, "POST", base + "/api/streams", "{\"stream\":\"/stream/soak\",\"feeds\":[\"video0\",\"audio0\"]}");
            call(http, "POST", base + "/api/destinations",
                    "{\"stream\":\"/stream/soak\",\"destination\":\"" + dest + "\",\"id\":\"" + id + "\"}");
            call(http, "DELETE", base + "/api/destinations/" + id, null);
            call(http, "DELETE", base + "/api/streams/stream/soak", null);
        }
    }

    private static void call(HttpClient http, String method, String url, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isEqualTo(200);
    }

    record Baseline(int threads, long pooledDirect, long nioDirect, int feedSinks) {
        static Baseline take(Feed feed) {
            long nio = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            return new Baseline(Thread.activeCount(), PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(), nio,
                    feed.stats().viewers());
        }
    }
}
