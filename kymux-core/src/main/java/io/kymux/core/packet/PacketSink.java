package io.kymux.core.packet;

/**
 * Where a producer's packets go: a packet-stream writer (stdout, HTTP body), or straight
 * into a feed in the same process. {@link #open} comes once before the first packet.
 */
public interface PacketSink extends AutoCloseable {

    void open(StreamHeader header);

    /** Takes ownership of the packet's payload. */
    void accept(MediaPacket packet);

    @Override
    void close();
}
