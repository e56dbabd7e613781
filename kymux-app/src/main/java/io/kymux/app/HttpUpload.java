package io.kymux.app;

import io.kymux.capture.PacketStreamWriter;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a packet stream as one endless chunked {@code POST} (to {@code /ingest/{feed}}).
 * The JDK's HTTP client reads the body from a pipe the capture thread writes into.
 */
public final class HttpUpload implements PacketSink {

    private final PacketStreamWriter writer;
    private final PipedOutputStream pipe;
    private final CompletableFuture<HttpResponse<String>> response;

    public HttpUpload(URI target) {
        try {
            PipedInputStream in = new PipedInputStream(1 << 20);
            pipe = new PipedOutputStream(in);
            writer = new PacketStreamWriter(pipe);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest req = HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/x-kymux-packet-stream")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> in))
                    .build();
            response = client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Completes when the server answers, which for a healthy ingest is only at the end. */
    public CompletableFuture<HttpResponse<String>> response() {
        return response;
    }

    @Override
    public void open(StreamHeader header) {
        writer.open(header);
    }

    @Override
    public void accept(MediaPacket packet) {
        writer.accept(packet);
    }

    @Override
    public void close() {
        try {
            pipe.close();
        } catch (IOException ignored) {
            // the request is over already
        }
    }
}
