package io.kymux.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.Muxer;
import io.kymux.core.media.MediaKind;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.packet.CodecId;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the container header is written, and with which tracks; the container itself is a recorder. */
class MuxedOutputTest {

    static final ControlMessage.Track VIDEO =
            new ControlMessage.Track(0, "video0", TrackInfo.video(CodecId.H264, "avc1.42C01E", 320, 240));
    static final ControlMessage.Track AUDIO =
            new ControlMessage.Track(1, "audio0", TrackInfo.audio(CodecId.OPUS, "opus", 48000, 2));

    /** Records the header's tracks and every packet written. */
    static final class Recorder implements MuxedOutput.Container, MuxedOutput.Writer {
        List<Muxer.Track> header;
        final List<long[]> packets = new ArrayList<>(); // index, pts
        boolean closed;

        @Override
        public MuxedOutput.Writer open(List<Muxer.Track> tracks) {
            assertThat(header).as("the header is written once").isNull();
            header = tracks;
            return this;
        }

        @Override
        public void write(int index, ByteBuf payload, long ptsUs, boolean key) {
            packets.add(new long[] {index, ptsUs});
        }

        @Override
        public void close() {
            closed = true;
        }

        List<MediaKind> kinds() {
            return header.stream().map(t -> t.info().kind()).toList();
        }
    }

    final Recorder rec = new Recorder();
    long nowUs = 1_000_000_000;
    final MuxedOutput out = new MuxedOutput(rec, () -> nowUs);
    final List<ByteBuf> sent = new ArrayList<>();

    void frame(ControlMessage.Track t, long ptsUs, boolean key) {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        sent.add(b);
        out.frame(t.track(), ptsUs, key, b);
    }

    void config(ControlMessage.Track t) {
        out.config(new ControlMessage.Config(t.track(), 0, new byte[] {9}));
    }

    void assertAllReleased() {
        assertThat(sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aLateAudioDescriptionStillGetsItsTrackInTheHeader() {
        out.announced(2);
        out.track(VIDEO);
        config(VIDEO);
        frame(VIDEO, 1_000_000, false); // before the keyframe: not a start
        frame(VIDEO, 1_033_000, true);
        frame(VIDEO, 1_066_000, false);
        assertThat(rec.header).as("waiting for the audio description").isNull();
        out.track(AUDIO);
        config(AUDIO);
        frame(AUDIO, 1_070_000, true);
        assertThat(rec.kinds()).containsExactly(MediaKind.VIDEO, MediaKind.AUDIO);
        assertThat(rec.header.get(1).config()).containsExactly(9);
        assertThat(rec.packets).extracting(p -> p[0]).containsExactly(0L, 0L, 1L);
        assertThat(rec.packets.get(0)[1]).as("timestamps start near zero").isEqualTo(MuxedOutput.START_OFFSET_US);
        out.close();
        assertThat(rec.closed).isTrue();
        assertAllReleased();
    }

    @Test
    void aTrackThatIsNeverDescribedIsGivenUpAfterTheWait() {
        out.announced(2);
        out.track(VIDEO);
        config(VIDEO);
        long t = 5_000_000;
        for (int i = 0; i < 60; i++) { // a cached GOP replayed at once: two seconds of timestamps, no time passing
            frame(VIDEO, t + i * 33_333L, i == 0);
        }
        assertThat(rec.header).as("a burst does not use up the wait").isNull();
        for (int i = 60; rec.header == null && i < 200; i++) {
            nowUs += 33_333;
            frame(VIDEO, t + i * 33_333L, false);
        }
        assertThat(rec.kinds()).containsExactly(MediaKind.VIDEO);
        long held = rec.packets.size();
        assertThat((held - 60) * 33_333L).isBetween(MuxedOutput.DESCRIPTION_WAIT_US, MuxedOutput.DESCRIPTION_WAIT_US + 33_333);
        out.track(AUDIO); // too late for this header
        config(AUDIO);
        frame(AUDIO, t + 4_000_000, true);
        frame(VIDEO, t + 4_000_000, false);
        assertThat(rec.packets).hasSize((int) held + 1);
        out.close();
        assertAllReleased();
    }

    @Test
    void aTrackWithoutConfigYetIsWaitedFor() {
        out.announced(2);
        out.track(VIDEO);
        out.track(AUDIO);
        config(AUDIO);
        frame(VIDEO, 0, true); // SPS/PPS not here yet
        assertThat(rec.header).isNull();
        config(VIDEO);
        frame(VIDEO, 33_000, false);
        assertThat(rec.kinds()).containsExactly(MediaKind.VIDEO, MediaKind.AUDIO);
        assertThat(rec.header.get(0).config()).isNotNull();
        out.close();
        assertAllReleased();
    }

    @Test
    void anAudioOnlyStreamStartsAtItsFirstFrame() {
        out.announced(1);
        out.track(AUDIO);
        config(AUDIO);
        frame(AUDIO, 20_000, true);
        assertThat(rec.kinds()).containsExactly(MediaKind.AUDIO);
        assertThat(rec.packets).hasSize(1);
        out.close();
        assertAllReleased();
    }

    @Test
    void audioHeldBeforeTheVideoTrackIsKnownIsDroppedToStartAtTheKeyframe() {
        out.announced(2);
        out.track(AUDIO);
        config(AUDIO);
        frame(AUDIO, 0, true);
        out.track(VIDEO);
        config(VIDEO);
        frame(AUDIO, 20_000, true); // not a start any more: the stream has video
        frame(VIDEO, 30_000, true);
        assertThat(rec.kinds()).containsExactly(MediaKind.VIDEO, MediaKind.AUDIO);
        assertThat(rec.packets).hasSize(1);
        out.close();
        assertAllReleased();
    }

    @Test
    void aServerThatDoesNotAnnounceGetsTheTracksDescribedByTheKeyframe() {
        out.track(VIDEO);
        config(VIDEO);
        frame(VIDEO, 0, true);
        assertThat(rec.kinds()).containsExactly(MediaKind.VIDEO);
        out.close();
        assertAllReleased();
    }

    @Test
    void aNewTimelineAfterAReconnectContinuesWhereTheContainerWas() {
        out.announced(1);
        out.track(VIDEO);
        config(VIDEO);
        frame(VIDEO, 50_000_000, true);
        frame(VIDEO, 50_033_333, false);
        long before = rec.packets.get(1)[1];
        frame(VIDEO, 3_000_000, true); // the capture restarted: its clock starts again
        frame(VIDEO, 3_033_333, false);
        frame(VIDEO, 3_000_000, false); // back in time on its track: dropped
        assertThat(rec.packets).extracting(p -> p[1])
                .containsExactly(before - 33_333, before, before + 33_333, before + 66_666);
        out.close();
        assertAllReleased();
    }

    @Test
    void aShortRunStillWritesWhatWasHeld() {
        out.announced(2);
        out.track(VIDEO);
        config(VIDEO);
        frame(VIDEO, 0, true);
        frame(VIDEO, 33_000, false);
        out.close();
        assertThat(rec.kinds()).containsExactly(MediaKind.VIDEO);
        assertThat(rec.packets).hasSize(2);
        assertThat(rec.closed).isTrue();
        assertAllReleased();
    }
}
