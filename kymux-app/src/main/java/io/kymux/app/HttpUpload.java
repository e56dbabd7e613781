package io.kymux.app;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.StreamHeader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a packet stream as one endless chunked {@code POST /ingest/{feed}} over Netty: each
 * packet is written and flushed as its own chunk the moment it is encoded. The capture
 * thread waits (bounded) only when the socket is backed up. The server's answer, which a
 * healthy ingest gets only at the end, completes {@link #response()}.
 */
public final class HttpUpload implements PacketSink {

    /** The server's answer: status and body text. */
    public record Answer(int status, String body) {
    }

    private static final long WRITABLE_WAIT_MS = 5000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Answer> response = new CompletableFuture<>();
    private final Channel channel;

    public HttpUpload(URI target) {
        int port = target.getPort() > 0 ? target.getPort() : 80;
        try {
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new SimpleChannelInboundHandler<FullHttpResponse>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                            response.complete(new Answer(r.status().code(),
                                                    r.content().toString(StandardCharsets.UTF_8).trim()));
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            response.complete(new Answer(0, "connection closed"));
                                        }
                                    });
                        }
                    })
                    .connect(target.getHost(), port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IllegalStateException("interrupted connecting to " + target, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IllegalStateException("cannot connect to " + target + ": " + e.getMessage(), e);
        }
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.getRawPath());
        req.headers().set(HttpHeaderNames.HOST, target.getHost() + ":" + port);
        req.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-kymux-packet-stream");
        channel.writeAndFlush(req);
    }

    public CompletableFuture<Answer> response() {
        return response;
    }

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
        if (!channel.isActive()) {
            chunk.release();
            throw new IllegalStateException("ingest connection closed: " + response.getNow(new Answer(0, "")));
        }
        awaitWritable();
        channel.writeAndFlush(new DefaultHttpContent(chunk));
    }

    /** Backpressure for the producer thread (never an event loop): wait while the socket is full. */
    private void awaitWritable() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITABLE_WAIT_MS);
        while (!channel.isWritable() && channel.isActive() && System.nanoTime() < end) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            response.completeOnTimeout(new Answer(0, "no answer"), 2, TimeUnit.SECONDS).join();
        }
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
