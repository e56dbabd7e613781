package io.kymux.core.packet;

import io.kymux.core.media.MediaKind;
import io.netty.buffer.ByteBuf;

/** Writes the packet stream format: the codec header once, then a 12-byte header per packet. */
public final class PacketStreamEncoder {

    public static final int PACKET_HEADER_SIZE = 12;

    private PacketStreamEncoder() {
    }

    public static void writeHeader(StreamHeader header, ByteBuf out) {
        out.writeInt(header.codec().id());
        if (header.kind() == MediaKind.VIDEO) {
            out.writeInt(header.width());
            out.writeInt(header.height());
        }
    }

    public static void writePacketHeader(long ptsUs, boolean config, boolean key, int size, ByteBuf out) {
        out.writeLong(PacketFlags.encode(ptsUs, config, key));
        out.writeInt(size);
    }

    /** Header and payload; the payload's reader index is left unchanged. */
    public static void writePacket(MediaPacket packet, ByteBuf out) {
        writePacketHeader(packet.ptsUs(), packet.config(), packet.key(), packet.size(), out);
        out.writeBytes(packet.payload(), packet.payload().readerIndex(), packet.size());
    }
}
