package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the PAT and PMT of a transport stream say (ISO/IEC 13818-1 2.4.4): the PMT PIDs and
 * the elementary streams of the programs, PID to stream_type. Tables are read from one
 * packet each (a section longer than a packet is read as far as the packet goes), and every
 * read stays inside the packet whatever its bytes say. Sans-I/O.
 */
final class TsProgram {

    private final Set<Integer> pmtPids = new HashSet<>();
    private final Map<Integer, Integer> streams = new LinkedHashMap<>();
    /** By PID, read on every packet: whether it carries a PMT, and its stream_type (-1 none). */
    private final boolean[] isPmt = new boolean[0x2000];
    private final int[] typeOf = new int[0x2000];
    private int videoPid = -1;

    TsProgram() {
        java.util.Arrays.fill(typeOf, -1);
    }

    /**
     * Reads the packet at {@code at} if it is a table; returns whether it was one (PAT or a
     * PMT), whatever it held.
     */
    boolean accept(ByteBuf b, int at) {
        int pid = TsPacket.pid(b, at);
        if (pid == 0) {
            readPat(b, at);
            return true;
        }
        if (isPmt[pid]) {
            readPmt(b, at);
            return true;
        }
        return false;
    }

    /** The stream_type of an elementary stream PID, or -1 if no PMT lists it. */
    int streamType(int pid) {
        return typeOf[pid];
    }

    /** The first video stream's PID, or -1 while none is known. */
    int videoPid() {
        return videoPid;
    }

    /** The per-PID lookups, from the tables as they now are (only when a table changed). */
    private void index() {
        java.util.Arrays.fill(isPmt, false);
        pmtPids.forEach(p -> isPmt[p] = true);
        java.util.Arrays.fill(typeOf, -1);
        streams.forEach((p, t) -> typeOf[p] = t);
        videoPid = streams.entrySet().stream().filter(e -> isVideo(e.getValue())).mapToInt(Map.Entry::getKey)
                .findFirst().orElse(-1);
    }

    static boolean isVideo(int streamType) {
        return streamType == 0x01 || streamType == 0x02 || streamType == 0x10 || streamType == 0x1b || streamType == 0x24;
    }

    /** Where a table section starts in this packet, or -1. */
    private static int sectionStart(ByteBuf b, int at) {
        int p = TsPacket.payloadOffset(b, at);
        if (p < 0 || !TsPacket.unitStart(b, at)) {
            return -1;
        }
        int s = p + 1 + b.getUnsignedByte(at + p);
        return s + 3 <= TsPacket.SIZE ? s : -1;
    }

    /** The end of the section's loop (before its CRC), bounded by the packet. */
    private static int sectionLoopEnd(ByteBuf b, int at, int s) {
        int length = (b.getUnsignedByte(at + s + 1) & 0x0f) << 8 | b.getUnsignedByte(at + s + 2);
        return Math.min(s + 3 + length - 4, TsPacket.SIZE);
    }

    private void readPat(ByteBuf b, int at) {
        int s = sectionStart(b, at);
        if (s < 0 || b.getUnsignedByte(at + s) != 0x00) {
            return;
        }
        int loopEnd = sectionLoopEnd(b, at, s);
        Set<Integer> found = new HashSet<>();
        for (int i = s + 8; i + 4 <= loopEnd; i += 4) {
            int program = b.getUnsignedShort(at + i);
            int pid = b.getUnsignedShort(at + i + 2) & 0x1fff;
            if (program != 0 && pid != 0) {
                found.add(pid);
            }
        }
        if (!found.isEmpty() && !found.equals(pmtPids)) {
            pmtPids.clear();
            pmtPids.addAll(found);
            streams.clear();
            index();
        }
    }

    /** The format_identifier of Opus's registration descriptor. */
    private static final int OPUS_ID = 0x4f707573; // "Opus"

    /** Whether an ES_info loop holds a registration descriptor (tag 5) with this format_identifier. */
    private static boolean registers(ByteBuf b, int from, int length, int formatId) {
        int i = 0;
        while (i + 2 <= length) {
            int tag = b.getUnsignedByte(from + i);
            int len = b.getUnsignedByte(from + i + 1);
            if (tag == 0x05 && len >= 4 && i + 6 <= length && b.getInt(from + i + 2) == formatId) {
                return true;
            }
            i += 2 + len;
        }
        return false;
    }

    private void readPmt(ByteBuf b, int at) {
        int s = sectionStart(b, at);
        if (s < 0 || s + 12 > TsPacket.SIZE || b.getUnsignedByte(at + s) != 0x02) {
            return;
        }
        int loopEnd = sectionLoopEnd(b, at, s);
        int i = s + 12 + (b.getUnsignedShort(at + s + 10) & 0x0fff);
        Map<Integer, Integer> found = new LinkedHashMap<>();
        while (i + 5 <= loopEnd) {
            int type = b.getUnsignedByte(at + i);
            int pid = b.getUnsignedShort(at + i + 1) & 0x1fff;
            int infoLength = b.getUnsignedShort(at + i + 3) & 0x0fff;
            if (type == PesPacketizer.PRIVATE_PES && registers(b, at + i + 5, Math.min(infoLength, loopEnd - i - 5), OPUS_ID)) {
                type = PesPacketizer.OPUS; // private data registered as Opus (ETSI TS 102 366 style, as FFmpeg writes it)
            }
            found.putIfAbsent(pid, type);
            i += 5 + infoLength;
        }
        if (!found.isEmpty() && !found.equals(streams)) {
            streams.clear();
            streams.putAll(found);
            index();
        }
    }
}
