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
 * bytes back up as they would behind a slow network. Answers pings as a browser does (once
 * it has read up to them). Keeps the binary messages' payloads and the time of its last
 * byte.
 */
final class ThrottledTsViewer implements AutoCloseable {

    private final Socket socket = new Socket();
    private final ByteArrayOutputStream payload = new ByteArrayOutputStream();
    /** Bytes read and not yet parsed into whole frames. */
    private byte[] pending = new byte[64 * 1024];
    private int pendingLength;
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
                parse(buf, n);
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

    /** Adds read bytes and handles every whole frame (server frames are unmasked). */
    private void parse(byte[] buf, int n) throws java.io.IOException {
        if (pendingLength + n > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
        }
        System.arraycopy(buf, 0, pending, pendingLength, n);
        pendingLength += n;
        int i = 0;
        while (i + 2 <= pendingLength) {
            int opcode = pending[i] & 0x0f;
            long len = pending[i + 1] & 0x7f;
            int at = i + 2;
            if (len == 126) {
                if (at + 2 > pendingLength) {
                    break;
                }
                len = (pending[at] & 0xff) << 8 | pending[at + 1] & 0xff;
                at += 2;
            } else if (len == 127) {
                if (at + 8 > pendingLength) {
                    break;
                }
                len = 0;
                for (int k = 0; k < 8; k++) {
                    len = len << 8 | pending[at + k] & 0xff;
                }
                at += 8;
            }
            if (at + len > pendingLength) {
                break;
            }
            if (opcode == 2 || opcode == 0) {
                synchronized (payload) {
                    payload.write(pending, at, (int) len);
                }
            } else if (opcode == 9) {
                pong(pending, at, (int) len);
            }
            i = at + (int) len;
        }
        System.arraycopy(pending, i, pending, 0, pendingLength - i);
        pendingLength -= i;
    }

    /** A client's frames are masked (RFC 6455 5.3); a zero mask leaves the bytes as they are. */
    private void pong(byte[] data, int from, int length) throws java.io.IOException {
        byte[] frame = new byte[2 + 4 + length];
        frame[0] = (byte) 0x8a;
        frame[1] = (byte) (0x80 | length);
        System.arraycopy(data, from, frame, 6, length);
        socket.getOutputStream().write(frame);
    }

    /** The binary messages' payloads, joined. */
    byte[] payload() {
        synchronized (payload) {
            return payload.toByteArray();
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        reader.join(2000);
    }
}
