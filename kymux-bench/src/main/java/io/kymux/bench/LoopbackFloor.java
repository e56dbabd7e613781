package io.kymux.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The machine's floor for {@code kymux bench}'s relay-added latency: the same fan-out
 * (one frame of a paced stream written to N loopback TCP sockets, timed from hand-off to
 * the moment each reader holds the whole frame) with no relay at all. A publisher thread
 * stamps each frame and wakes the writer threads, as the ingest wakes event loops; writers
 * do nothing but the socket writes, readers nothing but the reads.
 *
 * <p>Whatever this prints is latency kymux cannot remove on this host: the kernel's
 * loopback path, thread wake-ups and the hypervisor's scheduling. Bounded: it publishes
 * {@code fps * (warmup + seconds)} frames and exits; readers give up 10 s after that.
 *
 * <pre>java -cp kymux-bench/target/kymux-benchmarks.jar io.kymux.bench.LoopbackFloor [viewers] [seconds]</pre>
 */
public final class LoopbackFloor {

    private final int viewers;
    private final int frameBytes;
    private final int fps;
    private final int frames;
    private final int warmupFrames;
    private final int threads;
    /** Hand-off instant of each frame (nanoTime), written before the writers are woken. */
    private final AtomicLongArray sentNs;
    private final Recorder latencyNs = new Recorder(3);

    private LoopbackFloor(int viewers, int frameBytes, int fps, int seconds, int warmupSeconds, int threads) {
        this.viewers = viewers;
        this.frameBytes = frameBytes;
        this.fps = fps;
        this.frames = fps * (warmupSeconds + seconds);
        this.warmupFrames = fps * warmupSeconds;
        this.threads = threads;
        this.sentNs = new AtomicLongArray(frames);
    }

    public static void main(String[] args) throws Exception {
        int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int cores = Runtime.getRuntime().availableProcessors();
        // kymux bench's stream: 4 Mb/s at 60 fps is 8333 bytes a frame
        Histogram h = new LoopbackFloor(viewers, 4_000_000 / 8 / 60, 60, seconds, 2, cores).run();
        System.out.printf("loopback floor: %d sockets, %d B frames at 60 fps, %d writer and %d reader threads, %d s after 2 s warm-up%n",
                viewers, 4_000_000 / 8 / 60, cores, cores, seconds);
        System.out.println("latency = reader holds the whole frame - publisher hand-off (no relay: socket writes and reads only)");
        System.out.printf("p50    %8.3f ms%n", h.getValueAtPercentile(50) / 1e6);
        System.out.printf("p99    %8.3f ms%n", h.getValueAtPercentile(99) / 1e6);
        System.out.printf("p99.9  %8.3f ms%n", h.getValueAtPercentile(99.9) / 1e6);
        System.out.printf("max    %8.3f ms%n", h.getMaxValue() / 1e6);
        System.out.printf("frames %8d%n", h.getTotalCount());
    }

    private Histogram run() throws IOException, InterruptedException {
        List<SocketChannel> out = new ArrayList<>();
        List<SocketChannel> in = new ArrayList<>();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            for (int i = 0; i < viewers; i++) {
                SocketChannel reader = SocketChannel.open(listener.getLocalAddress());
                SocketChannel writer = listener.accept();
                writer.setOption(StandardSocketOptions.TCP_NODELAY, true);
                reader.configureBlocking(false);
                in.add(reader);
                out.add(writer);
            }
        }
        CountDownLatch readersDone = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Selector selector = Selector.open();
            for (int i = t; i < viewers; i += threads) {
                in.get(i).register(selector, SelectionKey.OP_READ, new int[2]); // {frame, bytes into it}
            }
            Thread reader = new Thread(() -> read(selector, readersDone), "floor-reader-" + t);
            reader.setDaemon(true);
            reader.start();
        }
        Thread[] writers = new Thread[threads];
        AtomicInteger published = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            List<SocketChannel> mine = new ArrayList<>();
            for (int i = t; i < viewers; i += threads) {
                mine.add(out.get(i));
            }
            writers[t] = new Thread(() -> write(mine, published), "floor-writer-" + t);
            writers[t].setDaemon(true);
            writers[t].start();
        }
        publish(writers, published);
        readersDone.await();
        for (SocketChannel c : out) {
            c.close();
        }
        for (SocketChannel c : in) {
            c.close();
        }
        return latencyNs.getIntervalHistogram();
    }

    /** Paces frames and wakes the writers, as a producer hands a frame to event loops. */
    private void publish(Thread[] writers, AtomicInteger published) {
        long period = 1_000_000_000L / fps;
        long start = System.nanoTime();
        for (int f = 0; f < frames; f++) {
            long wait = start + f * period - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sentNs.set(f, System.nanoTime());
            published.set(f + 1);
            for (Thread w : writers) {
                LockSupport.unpark(w);
            }
        }
    }

    private void write(List<SocketChannel> sockets, AtomicInteger published) {
        ByteBuffer frame = ByteBuffer.allocateDirect(frameBytes);
        int written = 0;
        try {
            while (written < frames) {
                int upTo = published.get();
                if (upTo == written) {
                    LockSupport.park();
                    continue;
                }
                for (; written < upTo; written++) {
                    for (SocketChannel s : sockets) {
                        frame.clear();
                        while (frame.hasRemaining()) {
                            s.write(frame);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("loopback write failed", e);
        }
    }

    private void read(Selector selector, CountDownLatch done) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        int open = selector.keys().size();
        // stops by itself even if a writer died: the run's length and 10 s more
        long giveUpNs = System.nanoTime() + (frames / fps + 10) * 1_000_000_000L;
        try (selector) {
            while (open > 0 && System.nanoTime() < giveUpNs) {
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    buf.clear();
                    int n = ((SocketChannel) key.channel()).read(buf);
                    // done, or its writer closed early: stop selecting it (an EOF stays ready)
                    if (n < 0 || n > 0 && consume((int[]) key.attachment(), n, System.nanoTime())) {
                        key.cancel();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException("loopback read failed", e);
        } finally {
            done.countDown();
        }
    }

    /** Counts {@code n} bytes into a socket's frames; true when its last frame is complete. */
    private boolean consume(int[] state, int n, long nowNs) {
        state[1] += n;
        while (state[1] >= frameBytes && state[0] < frames) {
            state[1] -= frameBytes;
            if (state[0] >= warmupFrames) {
                latencyNs.recordValue(Math.max(0, nowNs - sentNs.get(state[0])));
            }
            state[0]++;
        }
        return state[0] == frames;
    }
}
