package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The commands that need an X server, pointed at a display with none: one line, exit 1. */
class NoDisplayTest {

    /** A display number nothing listens on here. */
    private static String absentDisplay() {
        for (int n = 97; n > 50; n--) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return ":" + n;
            }
        }
        throw new IllegalStateException("every display from :51 to :97 is taken");
    }

    private static void assertOneLine(KymuxProcess p, String command, String display) throws Exception {
        assertThat(p.exitWithin(30)).as("exit code; said: " + p.said()).isEqualTo(1);
        String said = p.said().strip();
        assertThat(said.lines()).as(said).hasSize(1);
        assertThat(said).isEqualTo("kymux " + command + ": " + XDisplay.cannotOpen(display));
    }

    @Test
    void captureDisplayWithoutAnXServerIsOneLine() throws Exception {
        String d = absentDisplay();
        try (KymuxProcess p = KymuxProcess.start(true, "capture", "display", "--display", d, "--size", "320x240")) {
            assertOneLine(p, "capture", d);
        }
    }

    @Test
    void injectWithXdotoolWithoutAnXServerIsOneLine() throws Exception {
        String d = absentDisplay();
        try (KymuxProcess p = KymuxProcess.start("inject", "ws://127.0.0.1:9/input/demo", "--backend", "xdotool",
                "--display", d)) {
            assertOneLine(p, "inject", d);
        }
    }
}
