package io.kymux.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The floor of a TS relay on kymux's own stack (the JVM and Netty, nothing of kymux): every
 * chunk of an HTTP POST body goes at once to every open WebSocket, as jsmpeg's relay and
 * {@code ts-reference-relay.js} do, with no queue, deadline or GOP cache. Run with the JVM
 * flags of the server under test, its CPU and RSS are what that stack costs for the load
 * before kymux adds anything (kymux-bench/ts-side-by-side.sh with {@code REF=netty}).
 *
 * <pre>java -cp kymux-bench/target/kymux-benchmarks.jar io.kymux.bench.BareNettyTsRelay INGEST_PORT WATCH_PORT</pre>
 */
public final class BareNettyTsRelay {

    private BareNettyTsRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        int ingestPort = Integer.parseInt(args[0]);
        int watchPort = Integer.parseInt(args[1]);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ChannelGroup viewers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        Channel watch = bind(loops, watchPort, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                        new WebSocketServerProtocolHandler("/"), new SimpleChannelInboundHandler<Object>() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object e) {
                                if (e instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                                    viewers.add(ctx.channel());
                                }
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                // viewers send nothing the relay needs
                            }
                        });
            }
        });
        Channel ingest = bind(loops, ingestPort, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new SimpleChannelInboundHandler<HttpObject>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                        if (msg instanceof HttpContent c) {
                            ByteBuf chunk = c.content();
                            if (chunk.isReadable()) {
                                viewers.writeAndFlush(new BinaryWebSocketFrame(chunk.retain()));
                            }
                            if (msg instanceof LastHttpContent) {
                                ctx.writeAndFlush(new DefaultFullHttpResponse(
                                        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
                            }
                        }
                    }
                });
            }
        });
        System.out.println("bare Netty TS relay: POST to http://127.0.0.1:" + ingestPort
                + "/, watch at ws://127.0.0.1:" + watchPort + "/");
        ingest.closeFuture().sync();
        watch.close();
        loops.shutdownGracefully();
    }

    private static Channel bind(EventLoopGroup loops, int port, ChannelInitializer<SocketChannel> init)
            throws InterruptedException {
        return new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true).childHandler(init)
                .bind("127.0.0.1", port).sync().channel();
    }
}
