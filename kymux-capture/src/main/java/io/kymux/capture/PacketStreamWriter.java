package io.kymux.capture;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Writes the packet stream to an OutputStream (stdout, a socket, an HTTP body), flushing per packet. */
public final class PacketStreamWriter implements PacketSink {

    private final OutputStream out;
    private final ByteBuf header = Unpooled.buffer(12, 12);

    public PacketStreamWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void open(StreamHeader h) {
        header.clear();
        PacketStreamEncoder.writeHeader(h, header);
        writeHeaderBytes();
    }

    @Override
    public void accept(MediaPacket p) {
        try {
            header.clear();
            PacketStreamEncoder.writePacketHeader(p.ptsUs(), p.config(), p.key(), p.size(), header);
            writeHeaderBytes();
            p.payload().getBytes(p.payload().readerIndex(), out, p.size());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing packet stream", e);
        } finally {
            p.release();
        }
    }

    private void writeHeaderBytes() {
        try {
            header.getBytes(0, out, header.readableBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("writing packet stream", e);
        }
    }

    @Override
    public void close() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // the reader is gone; nothing left to tell it
        }
    }
}
