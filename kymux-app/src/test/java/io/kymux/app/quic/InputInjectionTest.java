package io.kymux.app.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.app.Harness;
import io.kymux.app.inject.InjectCommand;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.input.InputEvent;
import io.kymux.core.media.RealtimeClock;
import io.kymux.server.ServerConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Input over kymux/1 to a real X display: a client with the control token sends pointer
 * and key events; the server forwards them to `kymux inject --backend xdotool` under
 * Xvfb; the test reads the pointer position back from X and the key from a test window
 * (xev). A view-only client's input is refused with a clear error while its media flows.
 */
class InputInjectionTest {

    private static final String DISPLAY = ":96";
    private Process xvfb;
    private Process xev;
    private final List<String> xevLines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startDisplay() throws Exception {
        for (String tool : List.of("/usr/bin/Xvfb", "/usr/bin/xdotool", "/usr/bin/xev")) {
            if (!new File(tool).canExecute()) {
                throw new IllegalStateException("this test needs " + tool + ": apt-get install -y xvfb xdotool x11-utils");
            }
        }
        xvfb = new ProcessBuilder("/usr/bin/Xvfb", DISPLAY, "-screen", "0", "640x480x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        File socket = new File("/tmp/.X11-unix/X" + DISPLAY.substring(1));
        long end = System.nanoTime() + 10_000_000_000L;
        while (!socket.exists() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(socket).as("Xvfb started").exists();
        // the test window: xev prints every event it receives, line-buffered
        xev = new ProcessBuilder("stdbuf", "-oL", "/usr/bin/xev", "-display", DISPLAY, "-geometry", "640x480+0+0")
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(xev.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    xevLines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // xev ended
            }
        }, "xev-reader");
        reader.setDaemon(true);
        reader.start();
        end = System.nanoTime() + 10_000_000_000L;
        while (xevLines.stream().noneMatch(l -> l.contains("MapNotify")) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stopDisplay() throws Exception {
        xev.destroy();
        xvfb.destroy();
        xvfb.waitFor(5, TimeUnit.SECONDS);
    }

    private static String pointer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("xdotool", "getmouselocation").redirectErrorStream(true);
        pb.environment().put("DISPLAY", DISPLAY);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void aControllingClientDrivesTheDisplayAndAViewerCannot() throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withAccess(new ServerConfig.AccessTokens(null, "ctl-secret"));
        try (Harness h = new Harness(cfg)) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, 300_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            h.server.kymux().streams().put("desk", List.of("video0"));

            CountDownLatch injectorUp = new CountDownLatch(1);
            InjectCommand inject = new InjectCommand().onConnected(injectorUp::countDown);
            Thread injector = new Thread(() -> new CommandLine(inject).execute(
                    "ws://127.0.0.1:" + h.port() + "/input/desk", "--backend", "xdotool", "--display", DISPLAY,
                    "--duration", "30"), "injector");
            injector.setDaemon(true);
            injector.start();
            assertThat(injectorUp.await(10, TimeUnit.SECONDS)).isTrue();
            long waitInjector = System.nanoTime() + 5_000_000_000L;
            while (h.server.kymux().inputs().injectors("desk") == 0 && System.nanoTime() < waitInjector) {
                Thread.sleep(10);
            }

            String fp = h.server.kymux().info().fingerprint();
            URI url = URI.create("quic://127.0.0.1:" + h.server.quicPort() + "/desk");
            QuicEndToEndTest.Counting viewerSeen = new QuicEndToEndTest.Counting();
            try (KymuxQuicClient controller = new KymuxQuicClient(new QuicEndToEndTest.Counting());
                 KymuxQuicClient viewer = new KymuxQuicClient(viewerSeen)) {
                controller.connect(url, fp, "ctl-secret", 0, 10_000);
                assertThat(controller.welcome().control()).isTrue();
                long t = RealtimeClock.nowUs();
                controller.send(new InputEvent.PointerMove(t, 16384, 32768)); // a quarter across, half down
                long end = System.nanoTime() + 10_000_000_000L;
                while (!pointer().contains("x:160 y:240") && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(pointer()).as("pointer moved on the X display").contains("x:160 y:240");
                controller.send(new InputEvent.Key(t + 1, "KeyA", true));
                controller.send(new InputEvent.Key(t + 2, "KeyA", false));
                end = System.nanoTime() + 10_000_000_000L;
                // the press's keysym line comes before the release's event: wait for both (CI caught the race)
                while ((xevLines.stream().noneMatch(l -> l.contains("keysym 0x61, a"))
                        || xevLines.stream().noneMatch(l -> l.contains("KeyRelease event"))) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(xevLines).as("the test window received the key").anyMatch(l -> l.contains("keysym 0x61, a"));
                assertThat(String.join("\n", xevLines)).contains("KeyPress event").contains("KeyRelease event");

                // a viewer without the control token: refused input, media keeps coming
                viewer.connect(url, fp, "", 0, 10_000);
                assertThat(viewer.welcome().control()).isFalse();
                long before = h.server.kymux().inputs().published();
                viewer.send(new InputEvent.Key(t + 3, "KeyB", true));
                end = System.nanoTime() + 10_000_000_000L;
                while (viewerSeen.errors.isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(viewerSeen.errors).as("a clear error").singleElement()
                        .satisfies(e -> assertThat(e.message()).contains("input not allowed").contains("view only"));
                long frames = viewerSeen.frames[0].get();
                Thread.sleep(500);
                assertThat(viewerSeen.frames[0].get()).as("media still flows").isGreaterThan(frames);
                assertThat(viewer.isActive()).isTrue();
                assertThat(h.server.kymux().inputs().published()).as("nothing of the viewer's reached the hub")
                        .isEqualTo(before);
                assertThat(xevLines).noneMatch(l -> l.contains("keysym 0x62, b"));
            }
        }
    }
}
