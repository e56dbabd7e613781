package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.capture.PacketDecoder;
import io.kymux.core.packet.CodecId;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** capture (real x264/Opus) → HTTP ingest → feed → WebSocket → decoded with FFmpeg. */
class MediaSpineTest {

    @Test
    void viewerDecodesSixtyRealTimeFramesAndAudio() throws Exception {
        try (Harness h = new Harness()) {
            h.upload("video0", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 60, 500_000)));
            h.upload("audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
            h.awaitFeedFrames("video0", 1, 20_000);
            h.awaitFeedFrames("audio0", 1, 20_000);
            h.server.kymux().streams().put("both", List.of("video0", "audio0"));
            try (WsViewer v = new WsViewer(h.port(), "both")) {
                v.awaitFrames(0, 70, 15_000);
                v.awaitFrames(1, 20, 5_000);
                assertThat(v.texts.get(0)).contains("\"type\":\"hello\"").contains("\"feed\":\"video0\"")
                        .contains("avc1.42C0").contains("\"codec\":\"opus\"");
                List<WsViewer.Msg> video = v.mediaOf(0);
                assertThat(video.get(0).config()).as("config comes first").isTrue();
                List<WsViewer.Msg> frames = video.stream().filter(m -> !m.config()).toList();
                assertThat(frames.get(0).key()).as("first frame decodable").isTrue();
                try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                    dec.decode(Unpooled.wrappedBuffer(video.get(0).payload()), 0); // SPS/PPS alone: no picture
                    long configErrors = dec.errors();
                    frames.forEach(m -> dec.decode(Unpooled.wrappedBuffer(m.payload()), m.ptsUs()));
                    assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(60);
                    assertThat(dec.errors()).as("no frame rejected").isEqualTo(configErrors);
                    assertThat(dec.width()).isEqualTo(320);
                }
                // the live part (after the cached GOP) steps in real time: ~33 ms at 30 fps
                List<WsViewer.Msg> live = frames.subList(frames.size() - 40, frames.size());
                for (int i = 1; i < live.size(); i++) {
                    long step = live.get(i).ptsUs() - live.get(i - 1).ptsUs();
                    assertThat(step).isBetween(1L, 500_000L);
                }
                for (int i = 1; i < frames.size(); i++) {
                    assertThat(frames.get(i).ptsUs()).isGreaterThan(frames.get(i - 1).ptsUs());
                }
                long span = live.get(live.size() - 1).ptsUs() - live.get(0).ptsUs();
                assertThat(span).as("39 frame steps at 30 fps").isBetween(900_000L, 2_000_000L);
                try (PacketDecoder dec = new PacketDecoder(CodecId.OPUS)) {
                    v.mediaOf(1).stream().filter(m -> !m.config())
                            .forEach(m -> dec.decode(Unpooled.wrappedBuffer(m.payload()), m.ptsUs()));
                    assertThat(dec.framesDecoded()).isGreaterThanOrEqualTo(15);
                }
            }
        }
    }

    @Test
    void lateJoinerDecodesAtOnceFromTheCachedGopOfASixtySecondGop() throws Exception {
        try (Harness h = new Harness()) {
            h.upload("late", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 1800, 300_000)));
            h.awaitFeedFrames("late", 90, 30_000); // ~3 s in; the next keyframe is ~57 s away
            long joinUs = Harness.nowUs();
            try (WsViewer v = new WsViewer(h.port(), "late")) {
                v.awaitFrames(0, 95, 10_000);
                List<WsViewer.Msg> frames = v.mediaOf(0).stream().filter(m -> !m.config()).toList();
                WsViewer.Msg first = frames.get(0);
                assertThat(first.key()).isTrue();
                assertThat(joinUs - first.ptsUs()).as("the keyframe came from the cache, ~3 s old")
                        .isGreaterThan(2_000_000L);
                assertThat(frames.stream().filter(WsViewer.Msg::key).count()).as("no new keyframe needed")
                        .isEqualTo(1);
                try (PacketDecoder dec = new PacketDecoder(CodecId.H264)) {
                    int out = 0;
                    for (WsViewer.Msg m : v.mediaOf(0)) {
                        out += dec.decode(Unpooled.wrappedBuffer(m.payload()), m.ptsUs());
                        if (!m.config()) {
                            break; // just config + the cached keyframe
                        }
                    }
                    assertThat(out).as("first frame decodes on its own").isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aPacedLateJoinerGetsTheCachedKeyframeThenAFreshOneInsteadOfTheStaleReplay() throws Exception {
        try (Harness h = new Harness()) {
            // over the WebSocket ingest, so the capture answers keyframe requests
            h.uploadOverWebSocket("paced", CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 1800, 300_000)));
            h.awaitFeedFrames("paced", 90, 30_000); // ~3 s into a 60 s GOP
            try (WsViewer v = WsViewer.acking(h.port(), "paced")) {
                v.awaitFrames(0, 1, 10_000);
                // the join asked the producer for a keyframe (well before this viewer's queue
                // would overflow, 4 s, and ask on its own); until this viewer acks, the link is
                // unknown and only the cached keyframe is written
                assertThat(h.awaitFeedKeyframes("paced", 2, 2_000)).as("the join asked for a keyframe").isTrue();
                List<WsViewer.Msg> before = v.mediaOf(0).stream().filter(m -> !m.config()).toList();
                assertThat(before).hasSize(1);
                assertThat(before.get(0).key()).isTrue();
                assertThat(before.get(0).replay()).isTrue();
                v.ack(before.get(0));
                v.awaitFrames(0, 10, 10_000);
                List<WsViewer.Msg> frames = v.mediaOf(0).stream().filter(m -> !m.config()).toList();
                assertThat(frames.get(1).key()).as("the fresh keyframe comes next").isTrue();
                assertThat(frames.stream().filter(WsViewer.Msg::replay).count())
                        .as("the ~90 stale frames of the replay were never sent").isEqualTo(1);
            }
        }
    }
}
