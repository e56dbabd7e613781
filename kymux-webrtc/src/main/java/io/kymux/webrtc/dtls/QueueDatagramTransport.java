package io.kymux.webrtc.dtls;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * BouncyCastle's DTLS reads and writes datagrams through this in-memory transport instead
 * of a socket: received datagrams are offered to a bounded queue, sent ones handed to a
 * consumer (which queues them for the real socket). This is what lets the blocking
 * handshake run beside a sans-I/O core.
 */
final class QueueDatagramTransport implements DatagramTransport {

    static final int MTU = 1200;
    static final int QUEUE = 64;

    private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(QUEUE);
    private final Consumer<byte[]> outgoing;
    private volatile boolean closed;

    QueueDatagramTransport(Consumer<byte[]> outgoing) {
        this.outgoing = outgoing;
    }

    /** A datagram from the peer; false if the queue is full (it is dropped, DTLS retransmits). */
    boolean offer(byte[] datagram) {
        return !closed && incoming.offer(datagram);
    }

    @Override
    public int getReceiveLimit() {
        return MTU;
    }

    @Override
    public int getSendLimit() {
        return MTU - 28;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws java.io.IOException {
        if (closed) {
            throw new java.io.IOException("transport closed");
        }
        try {
            byte[] d = incoming.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (d == null) {
                return -1; // no datagram in time: DTLS retransmits its flight
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (!closed) {
            byte[] d = new byte[len];
            System.arraycopy(buf, off, d, 0, len);
            outgoing.accept(d);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
