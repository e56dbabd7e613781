package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Reassembles the PES packets of a transport stream's elementary streams (ISO/IEC 13818-1
 * 2.4.3.6): for each PID its PMT lists, the payload from one payload_unit_start_indicator
 * to the next, with its PTS and DTS. A PES that says its length is handed out as soon as
 * it is whole; one that does not (video, as FFmpeg writes it) when the next one starts.
 * Sans-I/O and hostile-input safe: a PES broken by a continuity gap or longer than
 * {@code maxPesBytes} is dropped and counted, never thrown; every read stays in its packet.
 */
public final class TsDemuxer {

    /** One elementary-stream packet. The caller owns {@code payload}. */
    public record Pes(int pid, int streamType, long pts90k, long dts90k, boolean randomAccess, ByteBuf payload) {
        /** No PTS or DTS was given. */
        public static final long NONE = -1;
    }

    private final ByteBufAllocator alloc;
    private final int maxPesBytes;
    private final TsProgram program = new TsProgram();
    /** By PID, made at its first packet: read on every packet, so no map of boxed PIDs. */
    private final Assembly[] assemblies = new Assembly[0x2000];
    private long dropped;

    /** A PES being put together. */
    private static final class Assembly {
        int lastCc = -1;
        ByteBuf payload;
        long pts = Pes.NONE;
        long dts = Pes.NONE;
        boolean randomAccess;
        /** Payload bytes the header announced, or -1 when it gave no length. */
        int expected = -1;

        void reset() {
            if (payload != null) {
                payload.release();
                payload = null;
            }
        }
    }

    public TsDemuxer(ByteBufAllocator alloc, int maxPesBytes) {
        this.alloc = alloc;
        this.maxPesBytes = maxPesBytes;
    }

    /** Reads the whole packets of {@code run} (not released) and adds each finished PES to {@code out}. */
    public void accept(ByteBuf run, List<Pes> out) {
        int end = run.writerIndex();
        for (int at = run.readerIndex(); at + TsPacket.SIZE <= end; at += TsPacket.SIZE) {
            if (run.getUnsignedByte(at) != TsAligner.SYNC || program.accept(run, at)) {
                continue;
            }
            int pid = TsPacket.pid(run, at);
            int type = program.streamType(pid);
            if (type >= 0) {
                packet(run, at, pid, type, out);
            }
        }
    }

    private void packet(ByteBuf b, int at, int pid, int type, List<Pes> out) {
        Assembly a = assemblies[pid];
        if (a == null) {
            a = assemblies[pid] = new Assembly();
        }
        int p = TsPacket.payloadOffset(b, at);
        if (p < 0) {
            return; // adaptation field alone: the continuity counter does not move
        }
        int cc = TsPacket.continuity(b, at);
        if (cc == a.lastCc) {
            return; // a duplicate packet
        }
        boolean gap = a.lastCc >= 0 && cc != (a.lastCc + 1 & 0xf);
        a.lastCc = cc;
        if (TsPacket.unitStart(b, at)) {
            finish(a, pid, type, out);
            start(a, b, at, p);
        } else if (gap && a.payload != null) {
            drop(a);
        } else if (a.payload != null) {
            append(a, b, at + p, TsPacket.SIZE - p);
        }
        if (a.payload != null && a.expected >= 0 && a.payload.readableBytes() >= a.expected) {
            finish(a, pid, type, out);
        }
    }

    private void start(Assembly a, ByteBuf b, int at, int p) {
        int h = at + p;
        int room = TsPacket.SIZE - p;
        if (room < 9 || b.getUnsignedMedium(h) != 0x000001) {
            dropped++;
            return;
        }
        int length = b.getUnsignedShort(h + 4);
        int flags = b.getUnsignedByte(h + 7);
        int headerLength = b.getUnsignedByte(h + 8);
        if (9 + headerLength > room) {
            dropped++;
            return;
        }
        a.pts = (flags & 0x80) != 0 && headerLength >= 5 ? timestamp(b, h + 9) : Pes.NONE;
        a.dts = (flags & 0xc0) == 0xc0 && headerLength >= 10 ? timestamp(b, h + 14) : a.pts;
        a.randomAccess = TsPacket.randomAccess(b, at);
        a.expected = length > 0 ? length - 3 - headerLength : -1;
        if (length > 0 && a.expected < 0) {
            dropped++;
            return;
        }
        a.payload = alloc.buffer(Math.min(maxPesBytes, a.expected >= 0 ? a.expected : 4096));
        append(a, b, h + 9 + headerLength, room - 9 - headerLength);
    }

    private void append(Assembly a, ByteBuf b, int from, int length) {
        if (a.payload.readableBytes() + length > maxPesBytes) {
            drop(a);
            return;
        }
        int take = a.expected >= 0 ? Math.min(length, a.expected - a.payload.readableBytes()) : length;
        a.payload.writeBytes(b, from, take);
    }

    private void finish(Assembly a, int pid, int type, List<Pes> out) {
        if (a.payload == null) {
            return;
        }
        if (a.payload.isReadable() && (a.expected < 0 || a.payload.readableBytes() == a.expected)) {
            out.add(new Pes(pid, type, a.pts, a.dts, a.randomAccess, fitted(a.payload)));
            a.payload = null;
        } else {
            drop(a);
        }
    }

    /**
     * The payload in a buffer of about its own size: one of unknown length grew by doubling,
     * and the GOP cache would otherwise hold up to twice the frame for seconds.
     */
    private ByteBuf fitted(ByteBuf payload) {
        int bytes = payload.readableBytes();
        if (payload.capacity() - bytes <= bytes / 4) {
            return payload;
        }
        ByteBuf fitted = alloc.buffer(bytes, bytes).writeBytes(payload);
        payload.release();
        return fitted;
    }

    private void drop(Assembly a) {
        dropped++;
        a.reset();
    }

    /** PES packets dropped: broken by a gap, too long, or with a malformed header. */
    public long dropped() {
        return dropped;
    }

    /** The stream_type of a PID, or -1 if no PMT seen lists it. */
    public int streamType(int pid) {
        return program.streamType(pid);
    }

    /** Releases what is being put together; a PES cut by the end of the stream is dropped. */
    public void close() {
        for (int pid = 0; pid < assemblies.length; pid++) {
            if (assemblies[pid] != null) {
                assemblies[pid].reset();
                assemblies[pid] = null;
            }
        }
    }

    /** A 33-bit PTS or DTS from its 5 bytes. */
    private static long timestamp(ByteBuf b, int i) {
        return (long) (b.getUnsignedByte(i) >> 1 & 0x07) << 30 | (long) b.getUnsignedByte(i + 1) << 22
                | (long) (b.getUnsignedByte(i + 2) >> 1) << 15 | (long) b.getUnsignedByte(i + 3) << 7
                | b.getUnsignedByte(i + 4) >> 1;
    }
}
