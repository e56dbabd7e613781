package io.kymux.client;

import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * One track written in the packet-stream format (the same framing as capture, readable
 * with {@code | hd}): the codec header, then config packets and frames. The header is
 * written once; a later track description with other dimensions is not representable
 * in one packet stream and ends the output with an error. Frames start at the track's
 * first keyframe, so a reader always gets a decodable stream.
 */
public final class PacketStreamOutput implements ClientOutput {

    private final OutputStream out;
    private final int track;
    private StreamHeader header;
    private boolean keyed;
    private final byte[] head = new byte[PacketStreamEncoder.PACKET_HEADER_SIZE];

    public PacketStreamOutput(OutputStream out, int track) {
        this.out = out;
        this.track = track;
    }

    @Override
    public void track(ControlMessage.Track t) {
        if (t.track() != track) {
            return;
        }
        StreamHeader h = new StreamHeader(t.info().codec(), t.info().width(), t.info().height());
        if (header == null) {
            header = h;
            ByteBuf b = io.netty.buffer.Unpooled.buffer(h.encodedSize());
            PacketStreamEncoder.writeHeader(h, b);
            write(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
        } else if (!header.equals(h)) {
            throw new IllegalStateException("track " + track + " changed to " + h + "; a packet stream has one header");
        }
    }

    @Override
    public void config(ControlMessage.Config c) {
        if (c.track() == track && header != null) {
            packet(c.ptsUs(), true, false, c.payload(), 0, c.payload().length);
        }
    }

    @Override
    public void frame(int t, long ptsUs, boolean key, ByteBuf payload) {
        try {
            keyed |= t == track && key;
            if (t == track && header != null && keyed) {
                writeHead(ptsUs, false, key, payload.readableBytes());
                payload.getBytes(payload.readerIndex(), out, payload.readableBytes()); // no copy into a byte[] first
                flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the packet stream: " + e.getMessage(), e);
        } finally {
            payload.release();
        }
    }

    private void packet(long ptsUs, boolean config, boolean key, byte[] b, int off, int len) {
        writeHead(ptsUs, config, key, len);
        write(b, off, len);
        flush();
    }

    private void writeHead(long ptsUs, boolean config, boolean key, int len) {
        ByteBuf h = io.netty.buffer.Unpooled.wrappedBuffer(head).clear();
        PacketStreamEncoder.writePacketHeader(ptsUs, config, key, len, h);
        write(head, 0, head.length);
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the packet stream: " + e.getMessage(), e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the reader went away
        }
    }
}
