package io.kymux.core.packet;

/** What a {@link PacketStreamDecoder} yields: the codec header once, then packets. */
public sealed interface PacketStreamEvent permits StreamHeader, MediaPacket {
}
