package io.kymux.app.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.app.Harness;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.capture.PacketDecoder;
import io.kymux.client.ClientListener;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.packet.CodecId;
import io.kymux.core.quic.ClientMedia;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * kymux/1 through a lossy, delaying UDP relay (2 % loss each way, 40 ms RTT): the stream
 * keeps playing, no broken frame reaches the decoder, keyframe requests go out and are
 * honoured, FEC repairs some losses, and the stats report the loss to the server.
 */
class QuicLossTest {

    /** Decodes every delivered video frame, as a player would. */
    static final class DecodingListener implements ClientListener, AutoCloseable {
        final PacketDecoder decoder = new PacketDecoder(CodecId.H264);
        /** SPS/PPS alone produce no picture, which FFmpeg reports; those are not frame errors. */
        volatile long configErrors;
        volatile long delivered;
        volatile long keyframes;

        @Override
        public void track(ControlMessage.Track t) {
        }

        @Override
        public synchronized void config(ControlMessage.Config c) {
            if (c.track() == 0) {
                long before = decoder.errors();
                decoder.decode(Unpooled.wrappedBuffer(c.payload()), c.ptsUs());
                configErrors += decoder.errors() - before;
            }
        }

        @Override
        public synchronized void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
            try {
                if (track == 0) {
                    delivered++;
                    if (key) {
                        keyframes++;
                    }
                    decoder.decode(payload, ptsUs);
                }
            } finally {
                payload.release();
            }
        }

        @Override
        public synchronized void close() {
            decoder.close();
        }
    }

    @Test
    void theStreamSurvivesTwoPercentLossAndFortyMsRtt() throws Exception {
        try (Harness h = new Harness()) {
            // 10 s GOP: only keyframe requests bring keyframes within the test
            h.uploadOverWebSocket("video0", CaptureOptions.testVideo(EncoderSettings.h264(640, 360, 30, 300, 1_500_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            var feed = h.server.kymux().feeds().get("video0").orElseThrow();
            try (LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress("127.0.0.1", h.server.quicPort()), 0.02, 20,
                    42); DecodingListener player = new DecodingListener();
                 KymuxQuicClient client = new KymuxQuicClient(player)) {
                client.connect(URI.create("quic://127.0.0.1:" + relay.port() + "/video0"), h.server.kymux().info().fingerprint(),
                        "", 10, 15_000);
                long keysBefore = feed.stats().keyframes();
                Thread.sleep(8_000);
                ClientMedia.Stats s = client.stats();
                long decoded;
                long errors;
                synchronized (player) {
                    decoded = player.decoder.framesDecoded();
                    errors = player.decoder.errors() - player.configErrors;
                }
                System.out.printf("loss test: relay dropped %d of %d; client %s; decoded %d, decoder errors %d%n",
                        relay.dropped.get(), relay.forwarded.get() + relay.dropped.get(), s, decoded, errors);
                assertThat(relay.dropped.get()).as("the relay did drop datagrams").isGreaterThan(20);
                assertThat(s.delivered()).as("the stream kept playing (8 s at 30 fps)").isGreaterThan(120);
                assertThat(decoded).isGreaterThan(120);
                assertThat(errors).as("no broken frame was handed to the decoder").isZero();
                assertThat(s.lost()).as("losses were detected").isPositive();
                assertThat(s.recovered()).as("FEC repaired some").isPositive();
                assertThat(s.keyframeRequests()).as("keyframes were asked for").isPositive();
                assertThat(feed.stats().keyframes() - keysBefore).as("and the capture produced them").isPositive();
                assertThat(player.keyframes).isGreaterThan(1);
                // the client's stats reached the server (sent every second over the control stream)
                var session = h.server.kymux().sessions().iterator().next();
                var report = h.server.kymux().viewerReports().get(session.id());
                assertThat(report).isNotNull();
                assertThat(report.snapshot().droppedFrames()).as("server sees the viewer's losses").isPositive();
            }
        }
    }
}
