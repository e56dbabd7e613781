package io.kymux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.server.http.HttpRouter;
import io.kymux.server.web.StaticFiles;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Start-up as a user meets it: a port in use is one line naming it and its flag; ready means every listener is bound. */
class ServerStartTest {

    @Test
    void aTakenTcpPortSaysWhichWhoAndWhatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> TestServers.start(port)).isInstanceOf(PortTakenException.class)
                    .hasMessage("TCP port " + port + " (HTTP) is in use, by java (pid " + ProcessHandle.current().pid()
                            + "); choose another with --port or KYMUX_PORT");
        }
    }

    @Test
    void aTakenUdpPortToo() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ServerConfig c = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                    .withQuic(new ServerConfig.QuicConfig(port, "cubic", ServerConfig.WebTransportStreams.FRAME));
            assertThatThrownBy(() -> new KymuxServer(c).start()).isInstanceOf(PortTakenException.class)
                    .hasMessageStartingWith("UDP port " + port + " (QUIC: kymux/1 and WebTransport) is in use")
                    .hasMessageEndingWith("choose another with --quic-port or KYMUX_QUIC_PORT");
        }
    }

    @Test
    void healthzSaysStartingUntilEveryListenerIsBound() {
        Kymux k = new Kymux(ServerConfig.defaults(), () -> 0L);
        assertThat(healthz(k)).isEqualTo(503);
        try (KymuxServer s = new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0))) {
            assertThat(healthz(s.kymux())).as("constructed, not started").isEqualTo(503);
            s.start();
            assertThat(healthz(s.kymux())).isEqualTo(200);
            assertThat(TestServers.call(s, "GET", "/api/server", null).body()).contains("\"fingerprint\"");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The status of GET /healthz, asked through the router itself. */
    private static int healthz(Kymux k) {
        EmbeddedChannel server = new EmbeddedChannel(new HttpServerCodec(), new HttpRouter(k, new StaticFiles()));
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(4096));
        client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"));
        for (Object o; (o = client.readOutbound()) != null; ) {
            server.writeInbound(o);
        }
        for (Object o; (o = server.readOutbound()) != null; ) {
            client.writeInbound(o);
        }
        FullHttpResponse r = client.readInbound();
        int status = r.status().code();
        r.release();
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
        return status;
    }
}
