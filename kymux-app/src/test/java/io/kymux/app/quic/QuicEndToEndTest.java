package io.kymux.app.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.client.ClientListener;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuicEndToEndTest {

    /** Counts what arrives. */
    static final class Counting implements ClientListener {
        final List<ControlMessage.Track> tracks = new CopyOnWriteArrayList<>();
        final List<ControlMessage.Error> errors = new CopyOnWriteArrayList<>();
        final AtomicLong[] frames = {new AtomicLong(), new AtomicLong()};

        @Override
        public void track(ControlMessage.Track t) {
            tracks.add(t);
        }

        @Override
        public void config(ControlMessage.Config c) {
        }

        @Override
        public void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
            frames[Math.min(track, 1)].incrementAndGet();
            payload.release();
        }

        @Override
        public void error(ControlMessage.Error e) {
            errors.add(e);
        }
    }

    @Test
    void clientReceivesAStreamOverQuic() throws Exception {
        try (io.kymux.app.Harness h = new io.kymux.app.Harness()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, 400_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            String fp = h.server.kymux().info().fingerprint();
            Counting c = new Counting();
            try (KymuxQuicClient client = new KymuxQuicClient(c)) {
                client.connect(URI.create("quic://127.0.0.1:" + h.server.quicPort() + "/video0"), fp, "", 0, 10_000);
                long end = System.nanoTime() + 10_000_000_000L;
                while (c.frames[0].get() < 60 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(c.frames[0].get()).isGreaterThanOrEqualTo(60);
            }
        }
    }
}
