package io.kymux.server.ts;

import static io.kymux.server.TestServers.await;
import static io.kymux.server.TestServers.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.server.KymuxServer;
import io.kymux.server.ServerConfig;
import io.kymux.server.TestServers;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The vw / jsmpeg MPEG-TS path: chunked POST /ts/{feed} → ws://host/ts/{stream-or-feed}, and TS destinations. */
class TsRelayTest {

    static final int PACKET = 188;

    /** {@code n} TS packets of one PID, each different. */
    static byte[] ts(int n, int pid) {
        byte[] out = new byte[n * PACKET];
        for (int i = 0; i < n; i++) {
            int o = i * PACKET;
            out[o] = 0x47;
            out[o + 1] = (byte) (pid >> 8);
            out[o + 2] = (byte) pid;
            out[o + 3] = (byte) (0x10 | (i & 0xf));
            for (int j = 4; j < PACKET; j++) {
                out[o + j] = (byte) (i * 31 + j == 0x47 ? 0 : i * 31 + j);
            }
        }
        return out;
    }

    /** An endless chunked POST as FFmpeg's http protocol sends it. */
    static final class ChunkedPost implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;

        ChunkedPost(int port, String path) throws Exception {
            socket = new Socket("127.0.0.1", port);
            out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        void chunk(byte[] b, int off, int len) throws Exception {
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.close();
        }
    }

    /** A jsmpeg-like WebSocket viewer keeping each binary message. */
    /**
     * The client's handshake completes before the server's handler subscribes (it does once
     * its response is written): what is published in between never reaches the viewer.
     */
    static void awaitSubscribed(KymuxServer s, String feed) throws InterruptedException {
        assertThat(await(() -> s.kymux().tsFeeds().get(feed).map(f -> f.stats().viewers()).orElse(0) > 0, 10_000))
                .as("the TS viewer subscribed to %s", feed).isTrue();
    }

    static final class TsViewer implements WebSocket.Listener, AutoCloseable {
        final List<byte[]> messages = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final WebSocket ws;

        TsViewer(int port, String name) throws Exception {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ts/" + name), this).get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                messages.add(partial.toByteArray());
                partial.reset();
            }
            w.request(1);
            return null;
        }

        int bytes() {
            return messages.stream().mapToInt(m -> m.length).sum();
        }

        /** The bytes of packets whose PID is {@code pid}, in order. */
        byte[] pid(int pid) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (byte[] m : messages) {
                for (int p = 0; p < m.length; p += PACKET) {
                    if (((m[p + 1] & 0x1f) << 8 | (m[p + 2] & 0xff)) == pid) {
                        o.write(m, p, PACKET);
                    }
                }
            }
            return o.toByteArray();
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    /** Sends {@code data} in chunks of awkward sizes, so packets straddle chunk boundaries. */
    static void send(ChunkedPost post, byte[] data, int chunk) throws Exception {
        for (int i = 0; i < data.length; i += chunk) {
            post.chunk(data, i, Math.min(chunk, data.length - i));
        }
    }

    @Test
    void viewerGetsByteIdenticalAlignedTsOfAFeed() throws Exception {
        try (KymuxServer s = TestServers.start(); TsViewer v = new TsViewer(s.port(), "video0")) {
            awaitSubscribed(s, "video0");
            byte[] data = ts(400, 0x100);
            try (ChunkedPost post = new ChunkedPost(s.port(), "/ts/video0")) {
                send(post, data, 1000);
                assertThat(await(() -> v.bytes() == data.length, 10_000)).isTrue();
            }
            assertThat(v.messages).allSatisfy(m -> assertThat(m.length % PACKET).isZero());
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            v.messages.forEach(all::writeBytes);
            assertThat(all.toByteArray()).isEqualTo(data);
            assertThat(call(s, "GET", "/api/feeds", null).body()).contains("\"tsFeeds\"").contains("\"video0\"");
        }
    }

    @Test
    void aTsOnlyRelayListensOnNoUdpPortAndSaysWhatIsOff() throws Exception {
        ServerConfig c = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withQuic(new ServerConfig.QuicConfig(ServerConfig.PORT_OFF, "cubic", ServerConfig.WebTransportStreams.FRAME))
                .withWebRtc(new ServerConfig.WebRtcConfig(ServerConfig.PORT_OFF, null));
        try (KymuxServer s = new KymuxServer(c).start(); TsViewer v = new TsViewer(s.port(), "video0")) {
            assertThat(s.quicPort()).isEqualTo(-1);
            assertThat(s.webrtcPort()).isEqualTo(-1);
            assertThat(call(s, "GET", "/readyz", null).statusCode()).isEqualTo(200);
            assertThat(call(s, "GET", "/api/server", null).body()).as("the page then tries no WebTransport")
                    .doesNotContain("\"quic\"").doesNotContain("\"webrtc\"");
            var whep = call(s, "POST", "/whep/video0", "v=0");
            assertThat(whep.statusCode()).isEqualTo(503);
            assertThat(whep.body()).isEqualTo("this server has no WebRTC (--webrtc-port off)\n");
            awaitSubscribed(s, "video0");
            byte[] data = ts(200, 0x100);
            try (ChunkedPost post = new ChunkedPost(s.port(), "/ts/video0")) {
                send(post, data, 1000);
                assertThat(await(() -> v.bytes() == data.length, 10_000)).isTrue();
            }
        }
    }

    @Test
    void aLiveTsFeedIsKnownToTheStreamsApiAndAFeedOnlyWaitedOnIsNot() throws Exception {
        try (KymuxServer s = TestServers.start(); TsViewer waiting = new TsViewer(s.port(), "audio0")) {
            awaitSubscribed(s, "audio0"); // a viewer waits on audio0: it exists but has no producer
            try (ChunkedPost post = new ChunkedPost(s.port(), "/ts/video0")) {
                send(post, ts(20, 0x100), 1000);
                assertThat(await(() -> s.kymux().tsFeeds().get("video0").map(f -> f.stats().bytesIn() > 0).orElse(false),
                        10_000)).isTrue();
                assertThat(call(s, "POST", "/api/streams", "{\"stream\":\"lab\",\"feeds\":[\"video0\",\"audio0\"]}").body())
                        .isEqualTo("{\"stream\":\"lab\",\"feeds\":[\"video0\",\"audio0\"],\"unknownFeeds\":[\"audio0\"]}");
            }
        }
    }

    @Test
    void aStreamInterleavesItsVideoAndAudioFeedsAndFollowsMute() throws Exception {
        try (KymuxServer s = TestServers.start()) {
            call(s, "POST", "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\",\"audio0\"]}");
            try (TsViewer v = new TsViewer(s.port(), "stream/front/large");
                 ChunkedPost video = new ChunkedPost(s.port(), "/ts/video0");
                 ChunkedPost audio = new ChunkedPost(s.port(), "/ts/audio0")) {
                awaitSubscribed(s, "video0");
                awaitSubscribed(s, "audio0");
                byte[] vd = ts(200, 0x100);
                byte[] ad = ts(100, 0x101);
                for (int i = 0; i < 10; i++) { // alternate so the viewer sees both interleaved
                    send(video, java.util.Arrays.copyOfRange(vd, i * 20 * PACKET, (i + 1) * 20 * PACKET), 777);
                    send(audio, java.util.Arrays.copyOfRange(ad, i * 10 * PACKET, (i + 1) * 10 * PACKET), 333);
                }
                assertThat(await(() -> v.bytes() == vd.length + ad.length, 10_000)).isTrue();
                assertThat(v.pid(0x100)).isEqualTo(vd);
                assertThat(v.pid(0x101)).isEqualTo(ad);
                assertThat(v.messages).allSatisfy(m -> assertThat(m.length % PACKET).isZero());

                // vw's mute: re-post without the audio feed; video keeps flowing to the same viewer
                call(s, "POST", "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\"]}");
                int before = v.bytes();
                send(audio, ts(10, 0x101), 500);
                send(video, ts(10, 0x100), 500);
                assertThat(await(() -> v.bytes() == before + 10 * PACKET, 10_000)).isTrue();
                Thread.sleep(100);
                assertThat(v.bytes()).as("no audio after mute").isEqualTo(before + 10 * PACKET);
                assertThat(v.pid(0x101)).isEqualTo(ad);
                // unmute
                call(s, "POST", "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\",\"audio0\"]}");
                send(audio, ts(5, 0x101), 500);
                assertThat(await(() -> v.pid(0x101).length == ad.length + 5 * PACKET, 10_000)).isTrue();
            }
        }
    }

    @Test
    void aTsDestinationPushesTheRawTsBytes() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (KymuxServer s = TestServers.start()) {
            // a crossbar-like relay: accepts a WebSocket at /in/video0 and keeps what arrives
            Channel relay = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/in/video0", null, false, 1 << 20),
                                    new SimpleChannelInboundHandler<BinaryWebSocketFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame f) {
                                            synchronized (received) {
                                                received.writeBytes(ByteBufUtil.getBytes(f.content()));
                                            }
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) relay.localAddress()).getPort();
            call(s, "POST", "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\"]}");
            assertThat(call(s, "POST", "/api/destinations", "{\"stream\":\"/stream/front/large\",\"destination\":"
                    + "\"ws://127.0.0.1:" + port + "/in/video0\",\"id\":\"0\"}").statusCode()).isEqualTo(200);
            byte[] first = ts(5, 0x100);
            byte[] data = ts(300, 0x100);
            try (ChunkedPost post = new ChunkedPost(s.port(), "/ts/video0")) {
                // the first bytes open the connection (they are dropped while it comes up)
                send(post, first, 1000);
                assertThat(await(() -> call(s, "GET", "/api/destinations/0", null).body().contains("\"connected\":true"),
                        10_000)).isTrue();
                send(post, data, 999);
                assertThat(await(() -> {
                    synchronized (received) {
                        return received.size() >= data.length;
                    }
                }, 10_000)).isTrue();
            }
            byte[] got;
            synchronized (received) {
                got = received.toByteArray();
            }
            assertThat(java.util.Arrays.copyOfRange(got, got.length - data.length, got.length)).isEqualTo(data);
            relay.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

}
