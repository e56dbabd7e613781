package io.kymux.core.ts;

import io.kymux.core.feed.RateMeter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An MPEG-TS feed as vw and jsmpeg know it: opaque TS bytes from one producer, relayed
 * whole-packet-aligned and unchanged to every sink. There is no GOP cache: jsmpeg starts
 * at the next picture it can decode. Thread-safe by its own monitor.
 */
public final class TsFeed {

    private final String name;
    private final List<TsSink> sinks = new ArrayList<>();
    private final RateMeter rate = new RateMeter();
    private boolean live;
    private long bytesIn;
    private long chunksIn;

    public TsFeed(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public synchronized void open() {
        live = true;
    }

    public synchronized void close() {
        live = false;
    }

    /** Fans out one run of whole packets; takes ownership of {@code packets}. */
    public synchronized void publish(ByteBuf packets, long nowUs) {
        try {
            bytesIn += packets.readableBytes();
            chunksIn++;
            rate.record(nowUs, packets.readableBytes());
            for (TsSink s : sinks) {
                s.onTs(this, packets.retainedDuplicate());
            }
        } finally {
            packets.release();
        }
    }

    public synchronized boolean subscribe(TsSink sink) {
        if (sinks.contains(sink)) {
            return false;
        }
        return sinks.add(sink);
    }

    public synchronized void unsubscribe(TsSink sink) {
        sinks.remove(sink);
    }

    public synchronized Stats stats() {
        return new Stats(live, bytesIn, chunksIn, rate.bitrate(), sinks.size());
    }

    /** A snapshot for the API. */
    public record Stats(boolean live, long bytesIn, long chunksIn, double bitrateBps, int viewers) {
    }
}
