package io.kymux.app;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;

/**
 * A packet stream sent to a server over one Netty connection, each packet flushed the
 * moment it is encoded. Subclasses say how a chunk travels (HTTP chunk, WebSocket
 * message) and how the stream ends. The producer thread (never an event loop) waits,
 * bounded, while the socket is backed up.
 */
abstract class StreamingUpload implements PacketSink {

    private static final long WRITABLE_WAIT_MS = 5000;

    protected final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel channel;

    /** Connects (blocking: called on the producer's thread) and keeps the channel. */
    protected final Channel connect(Bootstrap b, URI target) {
        try {
            channel = b.group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .connect(target.getHost(), target.getPort() > 0 ? target.getPort() : 80).sync().channel();
            return channel;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IllegalStateException("interrupted connecting to " + target, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IllegalStateException("cannot connect to " + target + ": " + e.getMessage(), e);
        }
    }

    /** The connected channel, ready for {@link #wrap}ped chunks. */
    protected final Channel channel() {
        return channel;
    }

    /** A message carrying these packet-stream bytes. */
    protected abstract Object wrap(ByteBuf chunk);

    /** Why the connection is gone, for the error message. */
    protected abstract String closedReason();

    @Override
    public void open(StreamHeader header) {
        ByteBuf b = Unpooled.buffer(header.encodedSize());
        PacketStreamEncoder.writeHeader(header, b);
        send(b);
    }

    @Override
    public void accept(MediaPacket p) {
        ByteBuf head = Unpooled.buffer(PacketStreamEncoder.PACKET_HEADER_SIZE);
        PacketStreamEncoder.writePacketHeader(p.ptsUs(), p.config(), p.key(), p.size(), head);
        send(Unpooled.wrappedBuffer(head, p.payload()));
    }

    private void send(ByteBuf chunk) {
        Channel ch = channel();
        if (!ch.isActive()) {
            chunk.release();
            throw new IllegalStateException("ingest connection closed: " + closedReason());
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITABLE_WAIT_MS);
        while (!ch.isWritable() && ch.isActive() && System.nanoTime() < end) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ch.writeAndFlush(wrap(chunk));
    }

    protected void shutdown() {
        channel().close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
