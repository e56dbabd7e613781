package io.kymux.core.packet;

import io.netty.buffer.ByteBuf;

/**
 * One packet of the stream: an encoded access unit (or config data such as SPS/PPS or
 * OpusHead) with its capture PTS in microseconds. The payload is reference counted and
 * owned by whoever holds this record; {@link #release()} gives it back.
 */
public record MediaPacket(long ptsUs, boolean config, boolean key, ByteBuf payload) implements PacketStreamEvent {

    public MediaPacket {
        if (ptsUs < 0 || ptsUs > PacketFlags.PTS_MASK) {
            throw new IllegalArgumentException("pts out of range: " + ptsUs);
        }
        if (payload == null) {
            throw new IllegalArgumentException("payload is required");
        }
    }

    public int size() {
        return payload.readableBytes();
    }

    public void release() {
        payload.release();
    }
}
