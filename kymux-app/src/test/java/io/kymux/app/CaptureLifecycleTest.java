package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.server.ServerConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kymux capture` run as a user runs it, in its own process, through what a capture left
 * alone for weeks meets: the server restarting under it, a server that is not up yet, a
 * refusal no retry fixes, and the reader of its stdout leaving.
 */
class CaptureLifecycleTest {

    private static final String[] SMALL = {"--size", "320x240", "--fps", "30", "--gop", "30", "--bitrate", "300000"};

    private static ServerConfig fixedPort(int port, Path dir) {
        return ServerConfig.defaults().withBindHost("127.0.0.1").withPort(port)
                .withWebRtc(new ServerConfig.WebRtcConfig(0, null))
                .withTls(new ServerConfig.TlsConfig(false, dir.resolve("state"), null, null));
    }

    private static KymuxProcess capture(String to) throws Exception {
        String[] args = new String[SMALL.length + 4];
        args[0] = "capture";
        args[1] = "test";
        System.arraycopy(SMALL, 0, args, 2, SMALL.length);
        args[SMALL.length + 2] = "--to";
        args[SMALL.length + 3] = to;
        return KymuxProcess.start(args);
    }

    private static void assertNoTrace(String said) {
        assertThat(said).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("Broken pipe");
    }

    @Test
    void aRestartedServerGetsTheFeedBackWithAKeyframeAndAViewerDecodesIt(@TempDir Path dir) throws Exception {
        int port = FreePorts.tcpAndUdp();
        ServerConfig cfg = fixedPort(port, dir);
        KymuxProcess capture;
        try (Harness first = new Harness(cfg)) {
            capture = capture("ws://127.0.0.1:" + port + "/ingest/video0");
            assertThat(first.awaitFeedKeyframes("video0", 1, 30_000)).as("first server fed; said: " + capture.said()).isTrue();
        }
        try (capture) {
            assertThat(capture.awaitSaid("reconnecting", 10_000)).as("noticed; said: " + capture.said()).isTrue();
            assertThat(capture.process.isAlive()).as("still capturing while the server is away").isTrue();
            Thread.sleep(2_000); // a few failed attempts while it is down
            try (Harness second = new Harness(cfg)) {
                long back = System.nanoTime();
                assertThat(second.awaitFeedKeyframes("video0", 1, 10_000)).as("fed again; said: " + capture.said()).isTrue();
                long resumedMs = (System.nanoTime() - back) / 1_000_000;
                System.out.println("capture resumed with a keyframe " + resumedMs + " ms after the server was back");
                assertThat(resumedMs).as("resume after the server is back (backoff ceiling 1.5 s)").isLessThanOrEqualTo(2_000);
                assertThat(capture.said()).contains("connected to 127.0.0.1:" + port + " again");

                second.server.kymux().streams().put("cam", List.of("video0"));
                Path out = dir.resolve("after.ts");
                try (KymuxProcess viewer = KymuxProcess.start("client", "quic://127.0.0.1:" + second.server.quicPort() + "/cam",
                        "--fingerprint", second.server.kymux().info().fingerprint(), "--format", "ts",
                        "--out", out.toString(), "--duration", "3")) {
                    assertThat(viewer.exitWithin(30)).as("viewer ends at --duration; said: " + viewer.said()).isZero();
                }
                ContainerDecoder.Result r = ContainerDecoder.decode(out.toString());
                assertThat(r.videoFrames()).as("frames a viewer decodes after the restart").isGreaterThanOrEqualTo(45);
                assertThat(r.width()).isEqualTo(320);
                assertThat(r.videoErrors()).isZero();
            }
            assertNoTrace(capture.said());
        }
    }

    @Test
    void aCaptureStartedBeforeItsServerWaitsForIt(@TempDir Path dir) throws Exception {
        int port = FreePorts.tcpAndUdp();
        int ingest;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            ingest = probe.getLocalPort();
        }
        try (KymuxProcess capture = capture("tcp://127.0.0.1:" + ingest)) {
            assertThat(capture.awaitSaid("trying again", 20_000)).as("said: " + capture.said()).isTrue();
            ServerConfig cfg = fixedPort(port, dir)
                    .withTcpIngest(java.util.Map.of("video0", new java.net.InetSocketAddress("127.0.0.1", ingest)));
            try (Harness h = new Harness(cfg)) {
                assertThat(h.awaitFeedKeyframes("video0", 1, 10_000)).as("fed once it is up; said: " + capture.said()).isTrue();
            }
            assertThat(capture.said()).contains("connected to 127.0.0.1:" + ingest + " again");
            assertNoTrace(capture.said());
        }
    }

    @Test
    void aRefusalRetryingCannotFixEndsTheCaptureWithOneLine() throws Exception {
        try (Harness h = new Harness();
                KymuxProcess capture = capture("ws://127.0.0.1:" + h.port() + "/ingest/bad!name")) {
            assertThat(capture.exitWithin(20)).as("exit code; said: " + capture.said()).isEqualTo(1);
            assertThat(capture.said().strip()).startsWith("kymux capture: WebSocket upgrade to ")
                    .contains("the server answered 400").doesNotContain("trying");
            assertThat(capture.said().strip().lines()).hasSize(1);
        }
    }

    @Test
    void whenTheReaderOfItsStdoutLeavesItExitsZeroQuietly() throws Exception {
        try (KymuxProcess capture = KymuxProcess.start(true, "capture", "test", "--size", "320x240")) {
            InputStream stdout = capture.process.getInputStream();
            assertThat(stdout.readNBytes(16 * 1024)).as("a packet stream on stdout").hasSize(16 * 1024);
            stdout.close(); // as `head -c` does
            assertThat(capture.exitWithin(15)).as("exit code after its reader left; said: " + capture.said()).isZero();
            assertNoTrace(capture.said());
        }
    }
}
