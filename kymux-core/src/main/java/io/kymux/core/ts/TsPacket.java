package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;

/**
 * Reads the fields of one 188-byte MPEG-TS packet at an index of a buffer (ISO/IEC 13818-1
 * 2.4.3.2). Every reader stays inside the packet, whatever its bytes say.
 */
final class TsPacket {

    static final int SIZE = TsAligner.PACKET;

    private TsPacket() {
    }

    static int pid(ByteBuf b, int at) {
        return (b.getUnsignedByte(at + 1) & 0x1f) << 8 | b.getUnsignedByte(at + 2);
    }

    /** payload_unit_start_indicator: a PES packet or a table section starts in this packet. */
    static boolean unitStart(ByteBuf b, int at) {
        return (b.getUnsignedByte(at + 1) & 0x40) != 0;
    }

    /** continuity_counter: 4 bits, one more for each packet of the PID that has a payload. */
    static int continuity(ByteBuf b, int at) {
        return b.getUnsignedByte(at + 3) & 0x0f;
    }

    private static int adaptationControl(ByteBuf b, int at) {
        return b.getUnsignedByte(at + 3) >> 4 & 0x3;
    }

    /** random_access_indicator of the adaptation field, if there is one. */
    static boolean randomAccess(ByteBuf b, int at) {
        int afc = adaptationControl(b, at);
        return (afc & 0x2) != 0 && b.getUnsignedByte(at + 4) > 0 && (b.getUnsignedByte(at + 5) & 0x40) != 0;
    }

    /** The offset of the payload from the packet's start, or -1 when it has none. */
    static int payloadOffset(ByteBuf b, int at) {
        int afc = adaptationControl(b, at);
        if ((afc & 0x1) == 0) {
            return -1;
        }
        int offset = (afc & 0x2) != 0 ? 5 + b.getUnsignedByte(at + 4) : 4;
        return offset < SIZE ? offset : -1;
    }
}
