package io.kymux.server;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.BooleanSupplier;

/** Helpers for tests that run whole servers on loopback. */
public final class TestServers {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServers() {
    }

    public static KymuxServer start() throws InterruptedException {
        return start(0);
    }

    public static KymuxServer start(int port) throws InterruptedException {
        return new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(port)).start();
    }

    /** One HTTP call with an optional JSON body. */
    public static HttpResponse<String> call(KymuxServer s, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .header("Content-Type", "application/json");
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(json));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (bounded) for a condition; returns whether it became true. */
    public static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Opens an in-process H.264-labelled feed whose frames are filler bytes (no start codes). */
    public static Feed openSyntheticVideo(KymuxServer s, String name) {
        Feed f = s.kymux().feeds().getOrCreate(name).orElseThrow();
        f.open(StreamHeader.video(CodecId.H264, 640, 360));
        return f;
    }

    /** Publishes frame {@code i} (a keyframe every 30) with a realtime PTS. */
    public static void publishSynthetic(KymuxServer s, Feed f, int i) {
        byte[] payload = new byte[200 + (i % 7) * 50];
        java.util.Arrays.fill(payload, (byte) 0x55);
        long now = s.kymux().nowUs();
        f.publish(new MediaPacket(now, false, i % 30 == 0, Unpooled.wrappedBuffer(payload)), now);
    }
}
