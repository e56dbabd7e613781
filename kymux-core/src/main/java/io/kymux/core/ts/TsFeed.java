package io.kymux.core.ts;

import io.kymux.core.feed.RateMeter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * An MPEG-TS feed as vw and jsmpeg know it: TS bytes from one producer, relayed
 * whole-packet-aligned and unchanged to every sink, cut into {@link TsUnit}s (tables and
 * the access units of its video) so each viewer can drop a late picture whole. A sink that
 * subscribes late is first given the latest PAT/PMT and the units since the last
 * random-access point, so a player starts at once on a keyframe. Thread-safe by its own
 * monitor.
 */
public final class TsFeed {

    /** The largest GOP kept for joining viewers: 8 s of a 4 Mb/s stream. */
    static final long MAX_GOP_BYTES = 4L * 1024 * 1024;

    private final String name;
    private final List<TsSink> sinks = new ArrayList<>();
    private final RateMeter rate = new RateMeter();
    private TsGrouper grouper = new TsGrouper();
    private final TsJoinCache cache = new TsJoinCache(MAX_GOP_BYTES, PooledByteBufAllocator.DEFAULT);
    private final List<TsUnit> units = new ArrayList<>();
    private boolean live;
    private long bytesIn;
    private long chunksIn;

    public TsFeed(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** A producer starts: its program is learnt afresh. */
    public synchronized void open() {
        live = true;
        grouper = new TsGrouper();
        cache.close();
    }

    /** The producer ended: what it sent is no start for a new viewer. */
    public synchronized void close() {
        live = false;
        cache.close();
    }

    /** Fans out one run of whole packets; takes ownership of {@code packets}. */
    public synchronized void publish(ByteBuf packets, long nowUs) {
        try {
            bytesIn += packets.readableBytes();
            chunksIn++;
            rate.record(nowUs, packets.readableBytes());
            grouper.accept(packets, nowUs, units);
            for (TsUnit u : units) {
                cache.record(u);
                for (TsSink s : sinks) {
                    s.onTs(this, u.retainedDuplicate());
                }
                u.packets().release();
            }
        } finally {
            units.clear();
            packets.release();
        }
    }

    /** Adds a sink and hands it what a late joiner needs to start (see the class comment). */
    public synchronized boolean subscribe(TsSink sink) {
        if (sinks.contains(sink)) {
            return false;
        }
        for (TsUnit u : cache.replay()) {
            sink.onTs(this, u);
        }
        return sinks.add(sink);
    }

    public synchronized void unsubscribe(TsSink sink) {
        sinks.remove(sink);
    }

    public synchronized Stats stats() {
        return new Stats(live, bytesIn, chunksIn, rate.bitrate(), sinks.size(), videoCodec(grouper.videoStreamType()));
    }

    /** A snapshot for the API. */
    /** The name of a TS video stream_type, or "" when none is known. */
    static String videoCodec(int streamType) {
        return switch (streamType) {
            case -1 -> "";
            case 0x01 -> "MPEG-1";
            case 0x02 -> "MPEG-1/2"; // FFmpeg writes MPEG-1 video as 0x02 too
            case 0x10 -> "MPEG-4";
            case 0x1b -> "H.264";
            case 0x24 -> "HEVC";
            default -> "0x" + Integer.toHexString(streamType);
        };
    }

    /** {@code videoCodec}: what the PMT says the video is (see {@link #videoCodec(int)}). */
    public record Stats(boolean live, long bytesIn, long chunksIn, double bitrateBps, int viewers, String videoCodec) {
    }
}
