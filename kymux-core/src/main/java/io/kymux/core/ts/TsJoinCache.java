package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a TS viewer that joins late needs to start at once: the latest packet of each table
 * PID (PAT, PMT) and the feed's units since its last random-access point. Bounded: a GOP
 * larger than {@code maxGopBytes} is not cached (the viewer then starts at the next one).
 * Not thread-safe: the feed calls it under its lock.
 */
final class TsJoinCache {

    private final long maxGopBytes;
    private final ByteBufAllocator alloc;
    private final Map<Integer, ByteBuf> tables = new LinkedHashMap<>();
    private final List<TsUnit> gop = new ArrayList<>();
    private long gopBytes;
    private boolean gopOpen;

    TsJoinCache(long maxGopBytes, ByteBufAllocator alloc) {
        this.maxGopBytes = maxGopBytes;
        this.alloc = alloc;
    }

    /** Notes a unit the feed publishes (not retained by the caller's reference). */
    void record(TsUnit u) {
        switch (u.kind()) {
            case TABLES -> {
                ByteBuf b = u.packets();
                for (int at = b.readerIndex(); at + TsPacket.SIZE <= b.writerIndex(); at += TsPacket.SIZE) {
                    ByteBuf copy = alloc.buffer(TsPacket.SIZE).writeBytes(b, at, TsPacket.SIZE);
                    ByteBuf old = tables.put(TsPacket.pid(b, at), copy);
                    if (old != null) {
                        old.release();
                    }
                }
            }
            case MEDIA -> {
                if (u.start() && u.key()) {
                    clearGop();
                    gopOpen = true;
                }
                if (!gopOpen) {
                    return;
                }
                if (gopBytes + u.bytes() > maxGopBytes) {
                    clearGop();
                    return;
                }
                gop.add(u.retainedDuplicate());
                gopBytes += u.bytes();
            }
            case UNGROUPED -> {
            }
        }
    }

    /** The units to replay to a joining viewer, each a reference of its own, tables first. */
    List<TsUnit> replay() {
        List<TsUnit> out = new ArrayList<>(gop.size() + 1);
        if (!tables.isEmpty()) {
            ByteBuf all = alloc.buffer(tables.size() * TsPacket.SIZE);
            tables.values().forEach(t -> all.writeBytes(t, t.readerIndex(), t.readableBytes()));
            out.add(new TsUnit(TsUnit.Kind.TABLES, -1, false, false, 0, true, all));
        }
        for (TsUnit u : gop) {
            out.add(u.asReplay());
        }
        return out;
    }

    long gopBytes() {
        return gopBytes;
    }

    private void clearGop() {
        gop.forEach(u -> u.packets().release());
        gop.clear();
        gopBytes = 0;
        gopOpen = false;
    }

    void close() {
        clearGop();
        tables.values().forEach(ByteBuf::release);
        tables.clear();
    }
}
