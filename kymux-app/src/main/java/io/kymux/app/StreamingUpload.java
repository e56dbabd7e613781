package io.kymux.app;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.kymux.server.tls.ClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.util.function.Consumer;
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
    private volatile String failure;
    private volatile Runnable onKeyframeRequest = () -> { };
    private volatile java.util.function.LongConsumer onBitrateRequest = b -> { };

    /**
     * Connects (blocking: called on the producer's thread) and keeps the channel. For
     * {@code wss://} and {@code https://} the TLS handshake is finished first, verified by the
     * JDK's trust store or, with {@code fingerprint}, against that certificate only.
     */
    protected final Channel connect(URI target, String fingerprint, Consumer<ChannelPipeline> handlers) {
        boolean secure = ClientTls.secure(target);
        String where = target.getHost() + ":" + ClientTls.port(target);
        try {
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (secure) {
                                ch.pipeline().addLast("tls", ClientTls.handler(ch.alloc(), target, fingerprint));
                            }
                            handlers.accept(ch.pipeline());
                            ch.pipeline().addLast("errors", new ConnectionErrors());
                        }
                    }).connect(target.getHost(), ClientTls.port(target)).sync().channel();
            if (secure) {
                var handshake = channel.pipeline().get(SslHandler.class).handshakeFuture().await();
                if (!handshake.isSuccess()) {
                    String why = rootMessage(handshake.cause());
                    if (fingerprint == null && why.contains("certification path")) {
                        why += " (a self-signed kymux? pin it: --fingerprint, its GET /api/server http.fingerprint)";
                    }
                    throw new UploadRefused("TLS with " + where + " failed: " + why);
                }
            }
            return channel;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IllegalStateException("interrupted connecting to " + target, e);
        } catch (IllegalStateException e) {
            shutdown();
            throw e;
        } catch (Exception e) { // sync() rethrows a ConnectException unchecked
            group.shutdownGracefully();
            throw new IllegalStateException("cannot connect to " + where + ": " + rootMessage(e), e);
        }
    }

    /**
     * The end of every upload pipeline: a failure (TLS refused, reset by the server) closes the
     * connection and is told once, by whoever sends next, instead of Netty's tail warning.
     */
    private final class ConnectionErrors extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = rootMessage(cause);
            }
            ctx.close();
        }
    }

    /** What to do when the server asks for a keyframe (e.g. {@code capture::requestKeyframe}). */
    public final StreamingUpload onKeyframeRequest(Runnable r) {
        onKeyframeRequest = r;
        return this;
    }

    /** What to do when the server asks for another bitrate (a rate-following viewer's link). */
    public final StreamingUpload onBitrateRequest(java.util.function.LongConsumer c) {
        onBitrateRequest = c;
        return this;
    }

    /** For subclasses: the server asked for this many bits per second. */
    protected final void bitrateRequested(long bitsPerSecond) {
        onBitrateRequest.accept(bitsPerSecond);
    }

    /** For subclasses: the server asked for a keyframe. */
    protected final void keyframeRequested() {
        onKeyframeRequest.run();
    }

    /** Whether the server refused this upload in a way a new connection will not change. */
    protected boolean refusedForGood() {
        return false;
    }

    /** The first error the connection met, or null. */
    protected final String failure() {
        return failure;
    }

    /** The innermost cause's message: what went wrong, without the layers it passed through. */
    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
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
            String why = "ingest connection closed: " + (failure != null ? failure : closedReason());
            throw refusedForGood() ? new UploadRefused(why) : new IllegalStateException(why);
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
        if (channel != null) {
            channel.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
