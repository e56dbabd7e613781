package io.kymux.capture;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every packet a capture produced (tests release them). */
final class CollectingSink implements PacketSink {
    volatile StreamHeader header;
    final List<MediaPacket> packets = new CopyOnWriteArrayList<>();

    @Override
    public void open(StreamHeader h) {
        header = h;
    }

    @Override
    public void accept(MediaPacket p) {
        packets.add(p);
    }

    @Override
    public void close() {
    }

    void releaseAll() {
        packets.forEach(MediaPacket::release);
    }
}
