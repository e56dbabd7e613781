package io.kymux.webrtc.dtls;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The one place kymux's WebRTC uses a thread: BouncyCastle's {@code DTLSServerProtocol.accept}
 * blocks until the handshake is done, so it runs on a daemon thread of its own, fed
 * through {@link QueueDatagramTransport}. To the sans-I/O peer it looks like
 * any other state machine: {@link #receive} a DTLS datagram, {@link #poll} datagrams to
 * send, and {@link #keys()} completes with the SRTP keys (or the reason it failed).
 */
public final class DtlsHandshake implements AutoCloseable {

    private final ConcurrentLinkedQueue<byte[]> out = new ConcurrentLinkedQueue<>();
    private final QueueDatagramTransport transport;
    private final CompletableFuture<SrtpKeys> keys = new CompletableFuture<>();
    private final Thread thread;
    private volatile DTLSTransport dtls;

    /** One side's blocking handshake over a transport: the connection and the SRTP keys it derived. */
    public interface Side {
        Result run(DatagramTransport transport) throws IOException;
    }

    /** What a completed handshake yields. */
    public record Result(DTLSTransport transport, SrtpKeys keys) {
    }

    /**
     * Starts the server side; {@code clientFingerprint} is the SHA-256 fingerprint from the
     * peer's SDP ({@code a=fingerprint:sha-256 ...}). {@code wake} runs (on the handshake
     * thread) whenever there is a datagram to poll or the keys are settled.
     */
    public DtlsHandshake(X509Certificate cert, PrivateKey key, String clientFingerprint, Runnable wake)
            throws IOException {
        this(server(new WebRtcDtlsServer(new BcTlsCrypto(new SecureRandom()), cert, key, clientFingerprint)), wake);
    }

    private static Side server(WebRtcDtlsServer server) {
        return t -> new Result(new DTLSServerProtocol().accept(server, t), server.keys());
    }

    /** Runs any side (tests play the browser's client with it). */
    public DtlsHandshake(Side side, Runnable wake) {
        transport = new QueueDatagramTransport(d -> {
            out.add(d);
            wake.run();
        });
        thread = new Thread(() -> {
            try {
                Result r = side.run(transport);
                dtls = r.transport();
                keys.complete(r.keys());
                wake.run();
                drainAfterHandshake();
            } catch (IOException | RuntimeException e) {
                if (keys.completeExceptionally(e)) {
                    wake.run();
                }
            }
        }, "dtls-handshake");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Keeps reading after the handshake so that, if our last flight was lost, the peer's
     * retransmitted flight makes BouncyCastle resend it; WebRTC media carries no DTLS
     * application data, so whatever is read is dropped. Ends when the peer is closed.
     */
    private void drainAfterHandshake() throws IOException {
        byte[] buf = new byte[QueueDatagramTransport.MTU];
        while (!Thread.currentThread().isInterrupted()) {
            dtls.receive(buf, 0, buf.length, 1000);
        }
    }

    /** A DTLS datagram from the peer (first byte 20..63, RFC 7983). */
    public void receive(byte[] datagram) {
        transport.offer(datagram);
    }

    /** The next datagram to send to the peer, or null. */
    public byte[] poll() {
        return out.poll();
    }

    /** Completes with the SRTP keys once the handshake is done. */
    public CompletableFuture<SrtpKeys> keys() {
        return keys;
    }

    @Override
    public void close() {
        transport.close();
        thread.interrupt();
        if (dtls != null) {
            try {
                dtls.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
