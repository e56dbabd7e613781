package io.kymux.app.quic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay for tests on loopback: forwards between one client and a server, dropping
 * a seeded-random fraction of datagrams each way and delaying every one by a fixed time
 * (RTT = 2 × delay), plus (when asked) a burst of {@link #BURST} every {@link #BURST_EVERY}
 * datagrams towards the client. Deterministic in what it drops for a given seed and packet order.
 * Towards the client it can also be a bottleneck ({@link #bottleneck}): datagrams leave one
 * after another at a fixed rate from a drop-tail queue of bounded delay, as a thin link's
 * router sends them.
 */
public final class LossyUdpRelay implements AutoCloseable {

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final InetSocketAddress server;
    private final double loss;
    private final long delayMs;
    private final Random random;
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
    private final Thread fromClient;
    private final Thread fromServer;
    private volatile SocketAddress client;
    private volatile boolean running = true;
    public final AtomicLong forwarded = new AtomicLong();
    public final AtomicLong dropped = new AtomicLong();
    private final boolean bursts;
    /** Besides the random loss: every this many datagrams towards the client, a burst is lost. */
    static final int BURST_EVERY = 500;
    static final int BURST = 5;
    private long downstream;
    /** The bottleneck towards the client: bits per second (0: none) and the queue's bound. */
    private volatile long bottleneckBitsPerSecond;
    private volatile long queueLimitNs;
    /** When the bottleneck has sent what is queued; on the downstream pump thread only. */
    private long linkFreeAtNs;

    LossyUdpRelay(InetSocketAddress server, double loss, long delayMs, long seed) throws IOException {
        this(server, loss, delayMs, seed, true);
    }

    public LossyUdpRelay(InetSocketAddress server, double loss, long delayMs, long seed, boolean bursts)
            throws IOException {
        this.bursts = bursts;
        this.server = server;
        this.loss = loss;
        this.delayMs = delayMs;
        this.random = new Random(seed);
        front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        fromClient = pump(front, true);
        fromServer = pump(back, false);
    }

    /** Towards the client, a link of {@code bitsPerSecond} whose queue holds {@code queueMs} at most. */
    public LossyUdpRelay bottleneck(long bitsPerSecond, long queueMs) {
        queueLimitNs = TimeUnit.MILLISECONDS.toNanos(queueMs);
        bottleneckBitsPerSecond = bitsPerSecond;
        return this;
    }

    public int port() throws IOException {
        return ((InetSocketAddress) front.getLocalAddress()).getPort();
    }

    private Thread pump(DatagramChannel in, boolean toServer) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (running) {
                try {
                    buf.clear();
                    SocketAddress from = in.receive(buf);
                    if (toServer) {
                        client = from;
                    }
                    buf.flip();
                    byte[] copy = new byte[buf.remaining()];
                    buf.get(copy);
                    boolean drop;
                    synchronized (random) {
                        drop = random.nextDouble() < loss;
                        if (bursts && !toServer && ++downstream % BURST_EVERY >= BURST_EVERY - BURST) {
                            drop = true; // a burst no FEC group survives, so loss is certain, not likely
                        }
                    }
                    long extraNs = 0;
                    long rate = bottleneckBitsPerSecond;
                    if (!drop && !toServer && rate > 0) {
                        long nowNs = System.nanoTime();
                        long startNs = Math.max(nowNs, linkFreeAtNs);
                        if (startNs - nowNs > queueLimitNs) {
                            drop = true; // the queue is full: tail drop
                        } else {
                            linkFreeAtNs = startNs + copy.length * 8L * 1_000_000_000L / rate;
                            extraNs = linkFreeAtNs - nowNs;
                        }
                    }
                    if (drop) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    delayer.schedule(() -> send(toServer, copy), TimeUnit.MILLISECONDS.toNanos(delayMs) + extraNs,
                            TimeUnit.NANOSECONDS);
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "lossy-relay-" + (toServer ? "up" : "down"));
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void send(boolean toServer, byte[] data) {
        try {
            if (toServer) {
                back.send(ByteBuffer.wrap(data), server);
            } else if (client != null) {
                front.send(ByteBuffer.wrap(data), client);
            }
            forwarded.incrementAndGet();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        front.close();
        back.close();
        delayer.shutdownNow();
    }
}
