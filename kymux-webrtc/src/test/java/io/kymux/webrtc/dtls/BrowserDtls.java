package io.kymux.webrtc.dtls;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The browser's DTLS client for tests, in the same shape as {@link DtlsHandshake}: feed it
 * datagrams, poll the ones it sends, and its keys complete when connected.
 */
public final class BrowserDtls implements AutoCloseable {

    private final ConcurrentLinkedQueue<byte[]> out = new ConcurrentLinkedQueue<>();
    private final QueueDatagramTransport transport = new QueueDatagramTransport(out::add);
    private final CompletableFuture<SrtpKeys> keys = new CompletableFuture<>();
    private final Thread thread;

    public BrowserDtls(DtlsHandshakeTest.Identity identity) {
        DtlsHandshakeTest.BrowserLikeClient client =
                new DtlsHandshakeTest.BrowserLikeClient(new BcTlsCrypto(new SecureRandom()), identity);
        thread = new Thread(() -> {
            try {
                var dtls = new DTLSClientProtocol().connect(client, transport);
                keys.complete(client.keys());
                byte[] buf = new byte[QueueDatagramTransport.MTU];
                while (!Thread.currentThread().isInterrupted()) {
                    dtls.receive(buf, 0, buf.length, 1000);
                }
            } catch (Exception e) {
                keys.completeExceptionally(e);
            }
        }, "test-browser-dtls");
        thread.setDaemon(true);
        thread.start();
    }

    public void receive(byte[] datagram) {
        transport.offer(datagram);
    }

    public byte[] poll() {
        return out.poll();
    }

    public CompletableFuture<SrtpKeys> keys() {
        return keys;
    }

    @Override
    public void close() {
        transport.close();
        thread.interrupt();
    }
}
