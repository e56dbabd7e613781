package io.kymux.app;

import io.kymux.core.browser.BrowserMessage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Java WebSocket viewer that keeps every message it receives: of /ws/{name}, parsed as
 * media messages, or of any path ({@link #raw}), kept as bytes (e.g. /ts/ for jsmpeg).
 */
final class WsViewer implements WebSocket.Listener, AutoCloseable {

    /** A parsed binary media message. */
    record Msg(int track, boolean key, boolean config, boolean replay, long seq, long ptsUs, byte[] payload,
               long receivedNanos) {
    }

    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<Msg> media = new CopyOnWriteArrayList<>();
    final List<byte[]> binaries = new CopyOnWriteArrayList<>();
    private final boolean parse;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final WebSocket ws;
    /** Reads at most this many bytes per second (0: as fast as they come), acking each frame. */
    private final long throttleBytesPerSecond;
    private final java.util.concurrent.ScheduledExecutorService later;
    private long linkFreeNanos;
    private java.util.concurrent.CompletableFuture<?> sending = java.util.concurrent.CompletableFuture.completedFuture(null);

    WsViewer(int port, String name) throws Exception {
        this(URI.create("ws://127.0.0.1:" + port + "/ws/" + name), true, 0);
    }

    private WsViewer(URI url, boolean parse, long throttleBytesPerSecond) throws Exception {
        this.parse = parse;
        this.throttleBytesPerSecond = throttleBytesPerSecond;
        this.later = throttleBytesPerSecond > 0 ? java.util.concurrent.Executors.newSingleThreadScheduledExecutor() : null;
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(url, this).get(10, TimeUnit.SECONDS);
    }

    /**
     * An acking viewer behind a thin link: it takes the next message only when its reading
     * rate allows (the socket backs up meanwhile, as it would behind the link), and acks
     * each frame as it takes it, as the player does.
     */
    static WsViewer throttled(int port, String name, long bytesPerSecond) throws Exception {
        return throttled(port, name, bytesPerSecond, "");
    }

    /** {@link #throttled}, with more of a query ({@code &rate=follow}). */
    static WsViewer throttled(int port, String name, long bytesPerSecond, String query) throws Exception {
        return new WsViewer(URI.create("ws://127.0.0.1:" + port + "/ws/" + name + "?ack=1" + query), true, bytesPerSecond);
    }

    /** A viewer of /ws/{name} that says it acknowledges frames ({@code ?ack=1}); it acks via {@link #ack}. */
    static WsViewer acking(int port, String name) throws Exception {
        return new WsViewer(URI.create("ws://127.0.0.1:" + port + "/ws/" + name + "?ack=1"), true, 0);
    }

    /** Acknowledges a media frame (and everything before it), as the player does. */
    void ack(Msg m) {
        ws.sendText("{\"type\":\"ack\",\"track\":" + m.track() + ",\"seq\":" + m.seq() + "}", true).join();
    }

    /** A viewer of {@code path} keeping binary messages whole in {@link #binaries}. */
    static WsViewer raw(int port, String path) throws Exception {
        return new WsViewer(URI.create("ws://127.0.0.1:" + port + path), false, 0);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        texts.add(data.toString());
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partial.write(b, 0, b.length);
        if (last && !parse) {
            binaries.add(partial.toByteArray());
            partial.reset();
        } else if (last) {
            ByteBuffer m = ByteBuffer.wrap(partial.toByteArray());
            partial.reset();
            int track = m.get() & 0xff;
            int flags = m.get() & 0xff;
            long seq = Integer.toUnsignedLong(m.getInt());
            long pts = m.getLong();
            byte[] payload = new byte[m.remaining()];
            m.get(payload);
            Runnable take = () -> {
                Msg msg = new Msg(track, (flags & BrowserMessage.FLAG_KEY) != 0, (flags & BrowserMessage.FLAG_CONFIG) != 0,
                        (flags & BrowserMessage.FLAG_REPLAY) != 0, seq, pts, payload, System.nanoTime());
                media.add(msg);
                if (throttleBytesPerSecond > 0 && !msg.config()) {
                    String ack = "{\"type\":\"ack\",\"track\":" + track + ",\"seq\":" + seq + "}";
                    sending = sending.thenCompose(x -> ws.sendText(ack, true)); // one send at a time
                }
            };
            return throttled(w, b.length, take);
        }
        return throttled(w, b.length, () -> { });
    }

    /**
     * Behind the thin link a message is taken (and acked) only once its bytes would have
     * crossed it: each after the one before at the link's rate, and a quiet spell earns no
     * credit. The next message is asked for then, so the socket backs up meanwhile.
     */
    private CompletionStage<?> throttled(WebSocket w, int bytes, Runnable take) {
        if (throttleBytesPerSecond > 0) {
            linkFreeNanos = Math.max(linkFreeNanos, System.nanoTime()) + bytes * 1_000_000_000L / throttleBytesPerSecond;
            long waitNanos = linkFreeNanos - System.nanoTime();
            if (waitNanos > 0) {
                later.schedule(() -> {
                    take.run();
                    w.request(1);
                }, waitNanos, TimeUnit.NANOSECONDS);
                return null;
            }
        }
        take.run();
        w.request(1);
        return null;
    }

    List<Msg> mediaOf(int track) {
        return media.stream().filter(m -> m.track() == track).toList();
    }

    /** Waits (bounded) until {@code n} non-config frames of a track arrived. */
    void awaitFrames(int track, int n, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (mediaOf(track).stream().filter(m -> !m.config()).count() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    /**
     * Decodes a viewer's H.264 messages with FFmpeg (the config first, then frames from a
     * keyframe on, then what frame threads still hold); asserts no frame was rejected and
     * returns the decoder, for its counts.
     */
    static io.kymux.capture.PacketDecoder decodeH264(List<Msg> video) {
        org.assertj.core.api.Assertions.assertThat(video.get(0).config()).as("the config first").isTrue();
        io.kymux.capture.PacketDecoder d = new io.kymux.capture.PacketDecoder(io.kymux.core.packet.CodecId.H264);
        d.decode(io.netty.buffer.Unpooled.wrappedBuffer(video.get(0).payload()), 0); // SPS/PPS alone: no picture
        long configErrors = d.errors();
        for (Msg m : video.subList(1, video.size())) {
            d.decode(io.netty.buffer.Unpooled.wrappedBuffer(m.payload()), m.ptsUs());
        }
        d.flush();
        org.assertj.core.api.Assertions.assertThat(d.errors()).as("frames rejected").isEqualTo(configErrors);
        return d;
    }

    @Override
    public void close() {
        ws.abort();
        if (later != null) {
            later.shutdownNow();
        }
    }
}
