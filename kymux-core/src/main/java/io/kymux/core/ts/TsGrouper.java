package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Cuts a feed's runs of whole TS packets into {@link TsUnit}s: its tables (PAT, PMT) and
 * the access units of its video, so a viewer can drop a late picture whole and start
 * again at a random-access point. Sans-I/O: the caller passes the arrival time. Learns the
 * program from the PAT and PMT it sees (the first program with a video stream); until then
 * everything is {@link TsUnit.Kind#UNGROUPED}. The packets of other PIDs (audio, data)
 * belong to the access unit they arrive in.
 */
public final class TsGrouper {

    /** Group numbers are unique across feeds and grow with time, so a viewer can compare them. */
    private static final java.util.concurrent.atomic.AtomicLong GROUPS = new java.util.concurrent.atomic.AtomicLong();

    private final TsProgram program = new TsProgram();
    private int videoPid = -1;
    private int videoStreamType;
    private long group = -1;
    private long groupIngestUs;
    private boolean groupKey;

    /**
     * Adds the units of {@code run} (whole packets; read, not released) to {@code out}, each
     * a retained slice the caller owns.
     */
    public void accept(ByteBuf run, long nowUs, List<TsUnit> out) {
        int end = run.writerIndex();
        int pieceStart = run.readerIndex();
        TsUnit.Kind pieceKind = null;
        long pieceGroup = -1;
        boolean pieceIsStart = false;
        boolean pieceKey = false;
        long pieceIngestUs = 0;
        for (int at = run.readerIndex(); at + TsPacket.SIZE <= end; at += TsPacket.SIZE) {
            int pid = TsPacket.pid(run, at);
            TsUnit.Kind kind;
            boolean startsGroup = false;
            if (program.accept(run, at)) {
                kind = TsUnit.Kind.TABLES;
                followVideo();
            } else if (videoPid < 0) {
                kind = TsUnit.Kind.UNGROUPED;
            } else {
                if (pid == videoPid && TsPacket.unitStart(run, at)) {
                    group = GROUPS.incrementAndGet();
                    groupIngestUs = nowUs;
                    groupKey = TsPacket.randomAccess(run, at) || keyPayload(run, at);
                    startsGroup = true;
                }
                kind = group < 0 ? TsUnit.Kind.UNGROUPED : TsUnit.Kind.MEDIA;
            }
            long unitGroup = kind == TsUnit.Kind.MEDIA ? group : -1;
            if (pieceKind != null && (kind != pieceKind || unitGroup != pieceGroup || startsGroup)) {
                emit(run, pieceStart, at, pieceKind, pieceGroup, pieceIsStart, pieceKey, pieceIngestUs, out);
                pieceKind = null;
            }
            if (pieceKind == null) {
                pieceStart = at;
                pieceKind = kind;
                pieceGroup = unitGroup;
                pieceIsStart = startsGroup;
                pieceKey = kind == TsUnit.Kind.MEDIA && groupKey;
                pieceIngestUs = kind == TsUnit.Kind.MEDIA ? groupIngestUs : 0;
            }
        }
        if (pieceKind != null) {
            emit(run, pieceStart, end - (end - pieceStart) % TsPacket.SIZE, pieceKind, pieceGroup, pieceIsStart, pieceKey,
                    pieceIngestUs, out);
        }
    }

    private static void emit(ByteBuf run, int from, int to, TsUnit.Kind kind, long unitGroup, boolean start, boolean key,
                             long ingestUs, List<TsUnit> out) {
        out.add(new TsUnit(kind, unitGroup, start, key, ingestUs, false, run.retainedSlice(from, to - from)));
    }

    /** A new video PID starts the groups afresh. */
    private void followVideo() {
        int pid = program.videoPid();
        if (pid >= 0 && pid != videoPid) {
            videoPid = pid;
            videoStreamType = program.streamType(pid);
            group = -1;
        }
    }

    /** The video's stream_type (0x01/0x02 MPEG-1/2, 0x1B H.264, 0x24 HEVC, …), or -1 while none is known. */
    public int videoStreamType() {
        return videoPid < 0 ? -1 : videoStreamType;
    }

    /** The PID of the video stream the groups follow, or -1 while none is known. */
    public int videoPid() {
        return videoPid;
    }

    /** Whether the first payload of a video PES holds an IDR / IRAP NAL, or an MPEG sequence or GOP header. */
    private boolean keyPayload(ByteBuf b, int at) {
        int p = TsPacket.payloadOffset(b, at);
        if (p < 0 || p + 9 > TsPacket.SIZE || b.getUnsignedMedium(at + p) != 0x000001) {
            return false;
        }
        int from = p + 9 + b.getUnsignedByte(at + p + 8);
        for (int i = from; i + 4 <= TsPacket.SIZE; i++) {
            if (b.getUnsignedMedium(at + i) != 0x000001) {
                continue;
            }
            int code = b.getUnsignedByte(at + i + 3);
            boolean key = switch (videoStreamType) {
                case 0x1b -> (code & 0x1f) == 5 || (code & 0x1f) == 7;
                case 0x24 -> {
                    int type = code >> 1 & 0x3f;
                    yield type >= 16 && type <= 23 || type >= 32 && type <= 34;
                }
                default -> code == 0xb3 || code == 0xb8;
            };
            if (key) {
                return true;
            }
        }
        return false;
    }
}
