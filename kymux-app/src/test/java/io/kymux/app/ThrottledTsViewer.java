package io.kymux.app;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A jsmpeg-style TS viewer behind a thin link: a plain WebSocket client whose socket has a
 * small receive buffer and which reads at most {@code bytesPerSecond}, so the server's
 * bytes back up as they would behind a slow network. Keeps the raw stream and the time of
 * its last byte.
 */
final class ThrottledTsViewer implements AutoCloseable {

    private final Socket socket = new Socket();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final Thread reader;
    private volatile long lastByteNanos;

    ThrottledTsViewer(int port, String path, int bytesPerSecond) throws Exception {
        socket.setReceiveBufferSize(8192);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IllegalStateException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IllegalStateException("no upgrade: " + head);
        }
        reader = new Thread(() -> read(in, bytesPerSecond), "throttled-ts-viewer");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream in, int bytesPerSecond) {
        long start = System.nanoTime();
        long got = 0;
        byte[] buf = new byte[4096];
        try {
            while (true) {
                long allowed = (System.nanoTime() - start) * bytesPerSecond / 1_000_000_000L - got;
                if (allowed <= 0) {
                    Thread.sleep(5);
                    continue;
                }
                int n = in.read(buf, 0, (int) Math.min(allowed, buf.length));
                if (n < 0) {
                    return;
                }
                synchronized (raw) {
                    raw.write(buf, 0, n);
                }
                got += n;
                lastByteNanos = System.nanoTime();
            }
        } catch (Exception closed) {
            // the test closed the socket
        }
    }

    long lastByteNanos() {
        return lastByteNanos;
    }

    /** The binary messages' payloads, joined (server frames are unmasked). */
    byte[] payload() {
        byte[] d;
        synchronized (raw) {
            d = raw.toByteArray();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i + 2 <= d.length) {
            long len = d[i + 1] & 0x7f;
            int at = i + 2;
            if (len == 126) {
                len = (d[at] & 0xff) << 8 | d[at + 1] & 0xff;
                at += 2;
            } else if (len == 127) {
                len = 0;
                for (int k = 0; k < 8; k++) {
                    len = len << 8 | d[at + k] & 0xff;
                }
                at += 8;
            }
            if (at + len > d.length) {
                break;
            }
            if ((d[i] & 0x0f) == 2 || (d[i] & 0x0f) == 0) {
                out.write(d, at, (int) len);
            }
            i = at + (int) len;
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws Exception {
        socket.close();
        reader.join(2000);
    }
}
