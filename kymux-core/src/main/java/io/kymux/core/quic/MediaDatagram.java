package io.kymux.core.quic;

import io.netty.buffer.ByteBuf;

/**
 * The header of a kymux/1 media datagram (docs/protocol/kymux-quic.md), 24 bytes:
 * <pre>
 *  0     1     2     3     4           8      10     12             20           24
 * +-----+-----+-----+-----+-----------+------+------+--------------+------------+--------
 * |track|flags|group| 0   | frame u32 |index |count | PTS u64 (µs) | frame size | payload
 * +-----+-----+-----+-----+-----------+------+------+--------------+------------+--------
 * </pre>
 * {@code count} is the number of data fragments of the frame; {@code group} the FEC group
 * size (0: no FEC). A parity fragment (flag {@link #FLAG_PARITY}) has as {@code index}
 * the number of its group.
 */
public record MediaDatagram(int track, int flags, int group, long frame, int index, int count, long ptsUs,
                            int frameSize) {

    public static final int HEADER = 24;
    public static final int FLAG_KEY = 1;
    public static final int FLAG_PARITY = 4;

    public boolean key() {
        return (flags & FLAG_KEY) != 0;
    }

    public boolean parity() {
        return (flags & FLAG_PARITY) != 0;
    }

    public void write(ByteBuf out) {
        out.writeByte(track);
        out.writeByte(flags);
        out.writeByte(group);
        out.writeByte(0);
        out.writeInt((int) frame);
        out.writeShort(index);
        out.writeShort(count);
        out.writeLong(ptsUs);
        out.writeInt(frameSize);
    }

    /** Reads a header; throws {@link IllegalArgumentException} for one that cannot be valid. */
    public static MediaDatagram read(ByteBuf in) {
        if (in.readableBytes() < HEADER) {
            throw new IllegalArgumentException("datagram of " + in.readableBytes() + " bytes is shorter than the header");
        }
        int track = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int group = in.readUnsignedByte();
        in.skipBytes(1);
        MediaDatagram d = new MediaDatagram(track, flags, group, in.readUnsignedInt(), in.readUnsignedShort(),
                in.readUnsignedShort(), in.readLong(), in.readInt());
        if (d.count == 0 || d.frameSize <= 0 || d.ptsUs < 0) {
            throw new IllegalArgumentException("bad media datagram header " + d);
        }
        if (d.parity() ? d.group == 0 || d.index >= (d.count + d.group - 1) / d.group : d.index >= d.count) {
            throw new IllegalArgumentException("fragment " + d.index + " of " + d.count + (d.parity() ? " (parity)" : ""));
        }
        return d;
    }
}
