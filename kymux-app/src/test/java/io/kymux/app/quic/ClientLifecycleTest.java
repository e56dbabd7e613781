package io.kymux.app.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.app.ContainerDecoder;
import io.kymux.app.Harness;
import io.kymux.app.KymuxProcess;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.server.ServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kymux client` run as a user runs it, in its own process, through what ends a run:
 * its reader leaving, its player leaving, the end of its input, the server restarting.
 */
class ClientLifecycleTest {

    private static Harness camera(ServerConfig config) throws InterruptedException {
        Harness h = new Harness(config);
        h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 300_000)));
        h.awaitFeedFrames("video0", 1, 20_000);
        h.server.kymux().streams().put("cam", List.of("video0"));
        return h;
    }

    private static String url(Harness h) {
        return "quic://127.0.0.1:" + h.server.quicPort() + "/cam";
    }

    private static void assertNoTrace(String said) {
        assertThat(said).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("Broken pipe");
    }

    @Test
    void whenTheReaderOfItsStdoutLeavesItExitsZeroQuietly() throws Exception {
        try (Harness h = camera(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0));
                KymuxProcess client = KymuxProcess.start(true, "client", url(h), "--fingerprint",
                        h.server.kymux().info().fingerprint(), "--format", "ts", "--out", "-")) {
            InputStream stdout = client.process.getInputStream();
            assertThat(stdout.readNBytes(64 * 1024)).as("TS on stdout").hasSize(64 * 1024);
            stdout.close(); // as `head -c` does
            assertThat(client.exitWithin(15)).as("exit code after its reader left; said: " + client.said()).isZero();
            assertNoTrace(client.said());
        }
    }

    @Test
    void aTcpOutputServesTheNextPlayerAfterOneLeaves(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Harness h = camera(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0));
                KymuxProcess client = KymuxProcess.start("client", url(h), "--fingerprint",
                        h.server.kymux().info().fingerprint(), "--format", "ts", "--out", "tcp://127.0.0.1:" + port)) {
            try (Socket first = connectWithin(port, 20_000)) {
                assertThat(first.getInputStream().readNBytes(32 * 1024)).as("the first player's TS").hasSize(32 * 1024);
            }
            Path second = dir.resolve("second.ts");
            try (Socket player = connectWithin(port, 20_000)) {
                Files.write(second, player.getInputStream().readNBytes(96 * 1024));
            }
            assertThat(Files.size(second)).as("the second player's TS").isEqualTo(96 * 1024);
            ContainerDecoder.Result r = ContainerDecoder.decode(second.toString());
            assertThat(r.videoFrames()).as("frames the second player decodes").isGreaterThanOrEqualTo(15);
            assertThat(r.width()).isEqualTo(320);
            assertThat(client.process.isAlive()).as("still serving players").isTrue();
            assertThat(client.said()).contains("the player left; waiting for the next");
            assertNoTrace(client.said());
        }
    }

    @Test
    void aServerWithoutQuicIsToldInOneLineNotRetriedForever() throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withQuic(new ServerConfig.QuicConfig(ServerConfig.PORT_OFF, "cubic", ServerConfig.WebTransportStreams.FRAME));
        try (Harness h = new Harness(cfg);
                KymuxProcess client = KymuxProcess.start("client", "quic://127.0.0.1:" + h.server.port() + "/cam",
                        "--fingerprint", "ab".repeat(32), "--out", "/dev/null")) {
            assertThat(client.exitWithin(30)).as("exit code; said: " + client.said()).isEqualTo(1);
            assertThat(client.said()).contains("runs without QUIC (--quic-port off)")
                    .contains("https://127.0.0.1:" + h.server.port() + "/").doesNotContain("retrying");
            assertNoTrace(client.said());
        }
    }

    @Test
    void theEndOfItsInputEndsAClientThatWritesNowhere() throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withAccess(new ServerConfig.AccessTokens(null, "ctl-secret"));
        try (Harness h = camera(cfg);
                KymuxProcess client = KymuxProcess.start("client", url(h), "--fingerprint",
                        h.server.kymux().info().fingerprint(), "--token", "ctl-secret", "--input", "-",
                        "--out", "/dev/null")) {
            try (OutputStream in = client.process.getOutputStream()) {
                in.write("{\"type\":\"key\",\"code\":\"KeyA\",\"down\":true}\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(client.exitWithin(20)).as("exit code after the end of input; said: " + client.said()).isZero();
            assertThat(client.said()).contains("(control)");
            assertNoTrace(client.said());
        }
    }

    @Test
    void aRestartedServerIsWatchedAgainAndTheOutputGoesOn(@TempDir Path dir) throws Exception {
        int port = io.kymux.app.FreePorts.tcpAndUdp();
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(port)
                .withWebRtc(new ServerConfig.WebRtcConfig(0, null))
                .withTls(new ServerConfig.TlsConfig(false, dir.resolve("state"), null, null));
        Path out = dir.resolve("cam.ts");
        KymuxProcess client;
        try (Harness first = camera(cfg)) {
            client = KymuxProcess.start("client", url(first), "--fingerprint", first.server.kymux().info().fingerprint(),
                    "--format", "ts", "--out", out.toString(), "--duration", "40");
            awaitSize(out, 40_000, 20_000);
        }
        try (client) {
            assertThat(client.awaitSaid("reconnecting", 10_000)).as("noticed; said: " + client.said()).isTrue();
            // a server that stays away is tried again and again, not given up after one backoff
            long end = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < end && client.said().split("retrying in", -1).length < 3) {
                Thread.sleep(100);
            }
            assertThat(client.said().split("retrying in", -1).length).as("retries; said: " + client.said())
                    .isGreaterThanOrEqualTo(3);
            long before = Files.size(out);
            try (Harness second = camera(cfg)) {
                awaitSize(out, before + 40_000, 15_000);
                assertThat(Files.size(out)).as("written after the restart; said: " + client.said())
                        .isGreaterThanOrEqualTo(before + 40_000);
                assertThat(client.exitWithin(45)).as("ends at --duration").isZero();
            }
            ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
            assertThat(r.videoFrames()).as("frames decoded across the restart").isGreaterThanOrEqualTo(150);
            assertThat(r.videoErrors()).isZero();
            assertNoTrace(client.said());
        }
    }

    private static void awaitSize(Path f, long bytes, long timeoutMs) throws InterruptedException, java.io.IOException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end && (!Files.exists(f) || Files.size(f) < bytes)) {
            Thread.sleep(50);
        }
    }

    /** A player that tries again until the client listens. */
    private static Socket connectWithin(int port, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            try {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                return s;
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
