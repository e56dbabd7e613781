package io.kymux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import java.io.File;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The `display` source grabs a real X screen (Xvfb, installed by .ci/run) through x11grab. */
class DisplayCaptureTest {

    private static final String DISPLAY = ":97";
    private Process xvfb;

    @BeforeEach
    void startXvfb() throws Exception {
        if (!new File("/usr/bin/Xvfb").canExecute()) {
            throw new IllegalStateException("this test needs Xvfb: apt-get install -y xvfb");
        }
        xvfb = new ProcessBuilder("/usr/bin/Xvfb", DISPLAY, "-screen", "0", "640x480x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        File socket = new File("/tmp/.X11-unix/X" + DISPLAY.substring(1));
        long end = System.nanoTime() + 10_000_000_000L;
        while (!socket.exists() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(socket).as("Xvfb started").exists();
    }

    @AfterEach
    void stopXvfb() throws Exception {
        xvfb.destroy();
        xvfb.waitFor();
    }

    @Test
    void grabsARegionOfTheDisplayAndEncodesIt() throws Exception {
        CollectingSink sink = new CollectingSink();
        CaptureOptions opts = new CaptureOptions(SourceKind.DISPLAY, false, DISPLAY + ".0", null, 64, 32,
                EncoderSettings.h264(320, 240, 15, 30, 300_000));
        Capture c = new Capture(opts, sink);
        Thread t = new Thread(c, "display-capture");
        t.start();
        long end = System.nanoTime() + 20_000_000_000L;
        while (sink.packets.stream().filter(p -> !p.config()).count() < 15 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        c.stop();
        t.join(5000);
        try {
            assertThat(sink.header.codec()).isEqualTo(CodecId.H264);
            List<MediaPacket> media = sink.packets.stream().filter(p -> !p.config()).toList();
            assertThat(media).hasSizeGreaterThanOrEqualTo(15);
            try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                sink.packets.forEach(p -> dec.decode(p.payload(), p.ptsUs()));
                assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(10);
                assertThat(dec.width()).isEqualTo(320);
                assertThat(dec.height()).isEqualTo(240);
            }
        } finally {
            sink.releaseAll();
        }
    }
}
