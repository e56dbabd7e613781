package io.kymux.server.destination;

import static io.kymux.server.TestServers.await;
import static io.kymux.server.TestServers.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.feed.Feed;
import io.kymux.server.KymuxServer;
import io.kymux.server.TestServers;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Destinations pushing a live feed into other kymux servers' WebSocket ingest (a cascade). */
class DestinationPushTest {

    private static long framesAt(KymuxServer s) {
        return s.kymux().feeds().all().stream().mapToLong(f -> f.stats().framesIn()).sum();
    }

    @Test
    void hotSwapTwoHundredTimesLosesNothingAndNeverStallsIngest() throws Exception {
        try (KymuxServer source = TestServers.start(); KymuxServer a = TestServers.start();
             KymuxServer b = TestServers.start()) {
            Feed feed = TestServers.openSyntheticVideo(source, "video0");
            String first = "ws://127.0.0.1:" + a.port() + "/ingest/s0";
            assertThat(call(source, "POST", "/api/destinations",
                    "{\"stream\":\"video0\",\"destination\":\"" + first + "\",\"id\":\"0\"}").statusCode()).isEqualTo(200);

            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger published = new AtomicInteger();
            AtomicLong slowestPublishNanos = new AtomicLong();
            Thread producer = new Thread(() -> {
                // 200 frames/s, bounded to 30 s
                long end = System.nanoTime() + 30_000_000_000L;
                while (run.get() && System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    TestServers.publishSynthetic(source, feed, published.get());
                    slowestPublishNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    published.incrementAndGet();
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            }, "producer");
            producer.start();
            assertThat(await(() -> framesAt(a) > 10, 10_000)).as("A receives").isTrue();
            for (int i = 1; i <= 200; i++) {
                KymuxServer to = i % 2 == 1 ? b : a;
                String url = "ws://127.0.0.1:" + to.port() + "/ingest/s" + i;
                assertThat(call(source, "POST", "/api/destinations",
                        "{\"stream\":\"video0\",\"destination\":\"" + url + "\",\"id\":\"0\"}").statusCode()).isEqualTo(200);
                String feedName = "s" + i;
                // the next swap once this target carries media (make-before-break completed)
                assertThat(await(() -> to.kymux().feeds().get(feedName).map(f -> f.stats().framesIn() > 0).orElse(false),
                        10_000)).as("swap %d reached %s", i, url).isTrue();
            }
            run.set(false);
            producer.join(5_000);
            int n = published.get();
            await(() -> framesAt(a) + framesAt(b) >= n, 10_000);
            String status = call(source, "GET", "/api/destinations/0", null).body();
            assertThat(source.kymux().feeds().get("video0").orElseThrow().stats().framesIn()).isEqualTo(n);
            assertThat(framesAt(a) + framesAt(b)).as("every ingested frame reached A or B (published %d): %s", n, status)
                    .isEqualTo(n);
            assertThat(slowestPublishNanos.get()).as("ingest never waited on the destination (ns)")
                    .isLessThan(250_000_000L);
            assertThat(status).contains("\"framesDropped\":0").contains("\"framesSent\":" + n);
        }
    }

    @Test
    void reconnectsByItselfWhenTheRemoteComesBack() throws Exception {
        try (KymuxServer source = TestServers.start()) {
            KymuxServer remote = TestServers.start();
            int port = remote.port();
            Feed feed = TestServers.openSyntheticVideo(source, "video0");
            call(source, "POST", "/api/destinations",
                    "{\"stream\":\"video0\",\"destination\":\"ws://127.0.0.1:" + port + "/ingest/video0\",\"id\":\"up\"}");
            AtomicBoolean run = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                long end = System.nanoTime() + 30_000_000_000L;
                for (int i = 0; run.get() && System.nanoTime() < end; i++) {
                    TestServers.publishSynthetic(source, feed, i);
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
            }, "producer");
            producer.start();
            try {
                assertThat(await(() -> framesAt(remote) > 20, 10_000)).isTrue();
                String up = call(source, "GET", "/api/destinations/up/status", null).body();
                assertThat(up).as(up).startsWith("{\"id\":\"up\",\"stream\":\"video0\"")
                        .contains("\"state\":\"connected\"").doesNotContain("lastError");
                assertThat(bytesSent(up)).as(up).isGreaterThan(0);
                remote.close(); // the relay dies
                assertThat(await(() -> call(source, "GET", "/api/destinations/up", null).body().contains("\"connected\":false"), 5_000))
                        .isTrue();
                Thread.sleep(500); // a few failed attempts with backoff
                String down = call(source, "GET", "/api/destinations/up/status", null).body();
                assertThat(down).as("a destination that cannot connect says so").contains("\"state\":\"retrying\"")
                        .contains("\"lastError\":\"cannot connect to ws://127.0.0.1:" + port);
                try (KymuxServer back = TestServers.start(port)) {
                    assertThat(await(() -> framesAt(back) > 20, 20_000)).as("resumed on the new relay").isTrue();
                    String status = call(source, "GET", "/api/destinations/up", null).body();
                    assertThat(status).contains("\"connected\":true");
                    String again = call(source, "GET", "/api/destinations/up/status", null).body();
                    assertThat(again).as(again).contains("\"state\":\"connected\"").doesNotContain("\"lastError\"");
                    assertThat(bytesSent(again)).isGreaterThan(bytesSent(up));
                    assertThat(back.kymux().feeds().get("video0").orElseThrow().track()).isPresent();
                }
            } finally {
                run.set(false);
                producer.join(5_000);
            }
        }
    }

    @Test
    void aSelfSignedPeerIsReachedOverWssOnlyWhenPinned() throws Exception {
        try (KymuxServer source = TestServers.start(); KymuxServer peer = TestServers.start()) {
            Feed feed = TestServers.openSyntheticVideo(source, "video0");
            String url = "wss://127.0.0.1:" + peer.port() + "/ingest/video0";
            String fp = peer.httpsCertificate().fingerprint();
            call(source, "POST", "/api/destinations", "{\"stream\":\"video0\",\"destination\":\"" + url + "\",\"id\":\"ca\"}");
            assertThat(call(source, "POST", "/api/destinations", "{\"stream\":\"video0\",\"destination\":\"" + url
                    + "\",\"id\":\"bad\",\"fingerprint\":\"nope\"}").statusCode()).isEqualTo(400);
            AtomicBoolean run = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                long end = System.nanoTime() + 30_000_000_000L;
                for (int i = 0; run.get() && System.nanoTime() < end; i++) {
                    TestServers.publishSynthetic(source, feed, i);
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
            }, "producer");
            producer.start();
            try {
                assertThat(await(() -> call(source, "GET", "/api/destinations/ca", null).body()
                        .contains("certification path"), 10_000)).as("the JDK's CAs do not know a self-signed peer").isTrue();
                assertThat(framesAt(peer)).isZero();
                String pinned = call(source, "POST", "/api/destinations", "{\"stream\":\"video0\",\"destination\":\""
                        + url + "\",\"id\":\"ca\",\"fingerprint\":\"" + fp.toLowerCase() + "\"}").body();
                assertThat(pinned).contains("\"fingerprint\":\"" + fp + "\"");
                assertThat(await(() -> framesAt(peer) > 20, 10_000)).as("pinned: frames over TLS").isTrue();
            } finally {
                run.set(false);
                producer.join(5_000);
            }
        }
    }

    private static long bytesSent(String statusJson) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(statusJson).get("bytesSent").asLong();
    }
}
