package io.kymux.client;

import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what the client receives from the network loop to a writer thread, through a
 * bounded queue. When the output is too slow (a stalled player), frames are dropped
 * instead of queued without end, and the video resumes at its next keyframe so the
 * player is never fed a broken reference chain. Welcome, track and config messages are never dropped.
 */
public final class OutputPump implements ClientListener, AutoCloseable {

    public static final int CAPACITY = 512;
    /** A frame that waited longer than this (the output blocked: a player reconnecting) is dropped, not written late. */
    public static final long MAX_WAIT_NANOS = 1_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);

    private sealed interface Item {
    }

    private record WelcomeItem(ControlMessage.Welcome w) implements Item {
    }

    private record TrackItem(ControlMessage.Track t) implements Item {
    }

    private record ConfigItem(ControlMessage.Config c) implements Item {
    }

    private record FrameItem(int track, long ptsUs, boolean key, ByteBuf payload, long queuedNanos) implements Item {
    }

    private record End() implements Item {
    }

    private final ClientOutput output;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final java.util.Set<Integer> waitingForKey = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<Integer> videoTracks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Video tracks the writer skips until their next keyframe, after it dropped a late frame. */
    private final java.util.Set<Integer> writerWaitingForKey = new java.util.HashSet<>();
    private final java.util.function.Consumer<Throwable> onFailure;
    private final Thread thread;
    private volatile Throwable failure;

    public OutputPump(ClientOutput output) {
        this(output, failure -> { });
    }

    /** {@code onFailure}: told once, from the writer thread, when the output fails (its reader gone, a write error). */
    public OutputPump(ClientOutput output, java.util.function.Consumer<Throwable> onFailure) {
        this.output = output;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "kymux-client-output");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void welcome(ControlMessage.Welcome w) {
        putAlways(new WelcomeItem(w));
    }

    @Override
    public void track(ControlMessage.Track t) {
        if (t.info().kind() == io.kymux.core.media.MediaKind.VIDEO) {
            videoTracks.add(t.track());
        }
        putAlways(new TrackItem(t));
    }

    @Override
    public void config(ControlMessage.Config c) {
        putAlways(new ConfigItem(c));
    }

    @Override
    public void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
        boolean video = videoTracks.contains(track);
        if (video && waitingForKey.contains(track)) {
            if (!key) {
                dropped.incrementAndGet();
                payload.release();
                return;
            }
            waitingForKey.remove(track);
        }
        if (!queue.offer(new FrameItem(track, ptsUs, key, payload, System.nanoTime()))) {
            dropped.incrementAndGet();
            payload.release();
            if (video) {
                waitingForKey.add(track);
            }
        }
    }

    /**
     * Track and config messages must not be lost, and the network loop must not wait on a
     * stalled output: when the queue is full, the queued frames make room (video then
     * resumes at its next keyframe).
     */
    private void putAlways(Item i) {
        while (!queue.offer(i)) {
            List<Item> kept = new ArrayList<>();
            for (Item q; (q = queue.poll()) != null; ) {
                if (q instanceof FrameItem f) {
                    f.payload().release();
                    dropped.incrementAndGet();
                } else {
                    kept.add(q);
                }
            }
            waitingForKey.addAll(videoTracks);
            kept.forEach(queue::offer);
        }
    }

    private void run() {
        try {
            while (true) {
                Item i = queue.take();
                if (i instanceof End) {
                    return;
                }
                if (failure != null) {
                    if (i instanceof FrameItem f) {
                        f.payload().release();
                    }
                    continue;
                }
                try {
                    if (i instanceof WelcomeItem w) {
                        output.announced(w.w().tracks());
                    } else if (i instanceof TrackItem t) {
                        output.track(t.t());
                    } else if (i instanceof ConfigItem c) {
                        output.config(c.c());
                    } else if (i instanceof FrameItem f && !late(f)) {
                        output.frame(f.track(), f.ptsUs(), f.key(), f.payload());
                        written.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failure = e;
                    log.debug("output failed", e);
                    onFailure.accept(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Drops (and releases) a frame that waited too long, or that follows a dropped one of
     * its video track before the next keyframe: the output goes on at the live edge.
     */
    private boolean late(FrameItem f) {
        boolean video = videoTracks.contains(f.track());
        boolean stale = System.nanoTime() - f.queuedNanos() > MAX_WAIT_NANOS;
        if (video && !stale && f.key()) {
            writerWaitingForKey.remove(f.track());
        }
        if (stale || (video && writerWaitingForKey.contains(f.track()))) {
            if (video) {
                writerWaitingForKey.add(f.track());
            }
            f.payload().release();
            dropped.incrementAndGet();
            return true;
        }
        return false;
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Why the output stopped, if it failed. */
    public Throwable failure() {
        return failure;
    }

    /** Writes what is queued, then closes the output. */
    @Override
    public void close() {
        putAlways(new End()); // from the caller's thread, after the connection closed
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Item i;
        while ((i = queue.poll()) != null) {
            if (i instanceof FrameItem f) {
                f.payload().release();
            }
        }
        output.close();
    }
}
