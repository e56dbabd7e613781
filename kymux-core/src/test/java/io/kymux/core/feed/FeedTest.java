package io.kymux.core.feed;

import static io.kymux.core.TestBufs.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.media.Frame;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedTest {

    static final String SPS = "00000001 6742c015da0507e84000000300400000 0f23c58ba8 00000001 68ce3c80";

    static final class Recorder implements FrameSink {
        final List<Frame> frames = new ArrayList<>();
        final List<TrackInfo> tracks = new ArrayList<>();
        int ended;

        @Override
        public void onTrack(Feed feed, TrackInfo track) {
            tracks.add(track);
        }

        @Override
        public void onFrame(Feed feed, Frame frame) {
            frames.add(frame);
        }

        @Override
        public void onSourceEnded(Feed feed) {
            ended++;
        }

        void release() {
            frames.forEach(Frame::release);
        }
    }

    static MediaPacket media(long pts, boolean key, int size) {
        return new MediaPacket(pts, false, key, Unpooled.wrappedBuffer(new byte[size]));
    }

    @Test
    void aHeapPayloadIsCopiedToDirectMemoryOnceNotPerViewer() {
        Feed feed = new Feed("v", FeedLimits.DEFAULT);
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        feed.subscribe(a, 0);
        feed.subscribe(b, 0);
        MediaPacket heap = new MediaPacket(1, false, true, Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x65, 7}));
        feed.publish(heap, 1);
        assertThat(heap.payload().refCnt()).as("the heap original is released").isZero();
        Frame fa = a.frames.get(a.frames.size() - 1);
        Frame fb = b.frames.get(b.frames.size() - 1);
        assertThat(fa.payload().isDirect()).isTrue();
        assertThat(fa.payload().hasMemoryAddress()).isTrue();
        assertThat(fa.payload().memoryAddress()).as("both viewers share one direct copy")
                .isEqualTo(fb.payload().memoryAddress());
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(fa.payload())).containsExactly(0, 0, 0, 1, 0x65, 7);
        a.release();
        b.release();
        feed.dispose();
    }

    @Test
    void lateJoinerGetsTrackConfigAndTheGopFromTheLastKeyframe() {
        Feed feed = new Feed("v", FeedLimits.DEFAULT);
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        feed.publish(new MediaPacket(0, true, false, hex(SPS)), 0);
        feed.publish(media(1, true, 100), 1);
        feed.publish(media(2, false, 10), 2);
        feed.publish(media(3, true, 100), 3); // new GOP
        feed.publish(media(4, false, 10), 4);
        feed.publish(media(5, false, 10), 5);
        Recorder r = new Recorder();
        feed.subscribe(r, 6);
        assertThat(r.tracks).singleElement().satisfies(t -> {
            assertThat(t.codecString()).isEqualTo("avc1.42C015");
            assertThat(t.width()).isEqualTo(320);
        });
        assertThat(r.frames).extracting(Frame::config).containsExactly(true, false, false, false);
        assertThat(r.frames.subList(1, 4)).extracting(Frame::ptsUs).containsExactly(3L, 4L, 5L);
        assertThat(r.frames.get(1).key()).isTrue();
        feed.publish(media(6, false, 10), 7);
        assertThat(r.frames).last().extracting(Frame::ptsUs).isEqualTo(6L);
        assertThat(r.frames).extracting(Frame::seq).containsExactly(0L, 2L, 3L, 4L, 5L);
        r.release();
        feed.dispose();
    }

    @Test
    void gopCacheIsDroppedWholeWhenOverBytesAndJoinersWaitForTheNextKeyframe() {
        Feed feed = new Feed("v", new FeedLimits(1000, 60_000_000));
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        feed.publish(media(1, true, 600), 1);
        feed.publish(media(2, false, 300), 2);
        assertThat(feed.stats().gopFrames()).isEqualTo(2);
        feed.publish(media(3, false, 300), 3); // 1200 bytes > 1000
        assertThat(feed.stats().gopFrames()).isZero();
        assertThat(feed.stats().gopOverflows()).isEqualTo(1);
        feed.publish(media(4, false, 10), 4); // no keyframe to build on: not cached
        assertThat(feed.stats().gopFrames()).isZero();
        feed.publish(media(5, true, 10), 5);
        assertThat(feed.stats().gopFrames()).isEqualTo(1);
        feed.dispose();
    }

    @Test
    void gopCacheIsDroppedWhenOlderThanItsAgeBound() {
        Feed feed = new Feed("v", new FeedLimits(1 << 20, 10_000_000));
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        feed.publish(media(1, true, 10), 0);
        feed.publish(media(2, false, 10), 9_000_000);
        assertThat(feed.stats().gopFrames()).isEqualTo(2);
        feed.publish(media(3, false, 10), 10_000_001);
        assertThat(feed.stats().gopFrames()).isZero();
        feed.dispose();
    }

    @Test
    void spsInsideAKeyframeBecomesTheConfigWhenTheProducerSendsNone() {
        Feed feed = new Feed("v", FeedLimits.DEFAULT);
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        Recorder r = new Recorder();
        feed.subscribe(r, 0);
        feed.publish(new MediaPacket(1, false, true, hex(SPS + "00000001 65888400")), 1);
        assertThat(r.frames).extracting(Frame::config).containsExactly(true, false);
        assertThat(r.tracks).last().extracting(TrackInfo::codecString).isEqualTo("avc1.42C015");
        feed.close();
        assertThat(r.ended).isEqualTo(1);
        r.release();
        feed.dispose();
    }

    @Test
    void audioFeedsKeepNoGopAndDescribeOpusFromOpusHead() {
        Feed feed = new Feed("a", FeedLimits.DEFAULT);
        feed.open(StreamHeader.audio(CodecId.OPUS));
        feed.publish(new MediaPacket(0, true, false,
                hex("4f707573486561640101380180bb0000 000000")), 0);
        feed.publish(media(1, true, 50), 1);
        assertThat(feed.track()).get().satisfies(t -> {
            assertThat(t.codecString()).isEqualTo("opus");
            assertThat(t.channels()).isEqualTo(1);
            assertThat(t.sampleRate()).isEqualTo(48000);
        });
        assertThat(feed.stats().gopFrames()).isZero();
        feed.dispose();
    }
}
