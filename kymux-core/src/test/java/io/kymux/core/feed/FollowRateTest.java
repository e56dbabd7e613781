package io.kymux.core.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.media.Frame;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.packet.BackChannel;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.StreamHeader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rate-following viewer's link sets its producer's bitrate: bounded, rate-limited, one viewer only. */
class FollowRateTest {

    /** A viewer that takes what it is given and does nothing with it. */
    static FrameSink viewer() {
        return new FrameSink() {
            @Override
            public void onTrack(Feed feed, TrackInfo track) {
            }

            @Override
            public void onFrame(Feed feed, Frame frame) {
                frame.release();
            }

            @Override
            public void onSourceEnded(Feed feed) {
            }
        };
    }

    static Feed feed(List<Long> asked, long declared) {
        Feed f = new Feed("cam", FeedLimits.DEFAULT);
        f.open(StreamHeader.video(CodecId.H264, 640, 360));
        f.declareBitrate(declared);
        f.setBitrateRequester(asked::add);
        return f;
    }

    @Test
    void theOneViewersLinkIsAskedForWithinTheCeilingAndTheFloorAtMostTwiceASecond() {
        List<Long> asked = new ArrayList<>();
        Feed f = feed(asked, 4_000_000);
        assertThat(f.followRate(1_000_000, false, 0)).as("no viewer: nobody to follow").isEqualTo(-1);
        f.subscribe(viewer(), 0);
        assertThat(f.followRate(1_000_000, false, 0)).isEqualTo(1_000_000);
        assertThat(f.followRate(2_000_000, false, 500_000)).as("a climb within a second").isEqualTo(-1);
        assertThat(f.followRate(2_000_000, false, 1_000_000)).as("a climb of 25 % at most").isEqualTo(1_250_000);
        assertThat(f.followRate(1_300_000, false, 2_000_000)).as("a change under 5 %").isEqualTo(-1);
        assertThat(f.followRate(9_000_000, false, 2_100_000)).isEqualTo(1_562_500);
        assertThat(f.followRate(9_000_000, true, 2_200_000)).as("late drops: 70 % of it at most, at once")
                .isEqualTo(1_093_750);
        assertThat(f.followRate(1_000, false, 2_300_000)).as("a third request within a second").isEqualTo(-1);
        assertThat(f.followRate(1_000, false, 3_100_000)).as("a tenth of the ceiling at least").isEqualTo(400_000);
        for (long t = 4_100_000; t < 20_000_000; t += 1_000_000) {
            f.followRate(9_000_000, false, t);
        }
        assertThat(f.requestedBitsPerSecond()).as("the declared ceiling").isEqualTo(4_000_000);
        assertThat(asked).startsWith(1_000_000L, 1_250_000L, 1_562_500L, 1_093_750L, 400_000L);
        f.dispose();
    }

    @Test
    void noRollingSecondHoldsMoreThanTwoRequests() {
        List<Long> asked = new ArrayList<>();
        Feed f = feed(asked, 8_000_000);
        f.subscribe(viewer(), 0);
        List<Long> at = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (long t = 0; t < 60_000_000; t += 20_000) {
            if (f.followRate(100_000 + random.nextLong(8_000_000), random.nextInt(4) == 0, t) > 0) {
                at.add(t);
            }
        }
        assertThat(at.size()).as("requests in a minute of a jumpy link").isGreaterThan(30);
        for (int i = 2; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 2)).as("request %d", i).isGreaterThanOrEqualTo(Feed.BITRATE_WINDOW_US);
        }
        f.dispose();
    }

    @Test
    void aSecondViewerStopsTheFollowingAndAProducerThatLeavesForgetsIt() {
        List<Long> asked = new ArrayList<>();
        Feed f = feed(asked, 0);
        f.subscribe(viewer(), 0);
        FrameSink other = viewer();
        f.subscribe(other, 0);
        assertThat(f.followRate(1_000_000, false, 0)).as("two viewers: one link must not lower the other's picture").isEqualTo(-1);
        f.unsubscribe(other);
        assertThat(f.followRate(50_000, false, 0)).as("no ceiling declared: the floor alone").isEqualTo(Feed.BITRATE_FLOOR);
        f.close();
        assertThat(f.requestedBitsPerSecond()).isEqualTo(-1);
        assertThat(f.followRate(1_000_000, false, 10_000_000)).as("no producer to ask").isEqualTo(-1);
        assertThat(asked).containsExactly(Feed.BITRATE_FLOOR);
        f.dispose();
    }

    @Test
    void theBackChannelsBitrateMessageRoundTripsAndIgnoresOthers() {
        assertThat(BackChannel.bitrateRequest(1_500_000)).isEqualTo("{\"type\":\"bitrate\",\"bitsPerSecond\":1500000}");
        assertThat(BackChannel.bitrateRequested(BackChannel.bitrateRequest(1_500_000))).isEqualTo(1_500_000);
        assertThat(BackChannel.bitrateRequested(BackChannel.KEYFRAME_REQUEST)).isEqualTo(-1);
        assertThat(BackChannel.bitrateRequested("{\"type\":\"bitrate\",\"bitsPerSecond\":\"x\"}")).isEqualTo(-1);
        assertThat(BackChannel.bitrateRequested("{\"type\":\"bitrate\",\"bitsPerSecond\":99999999999999999}")).isEqualTo(-1);
    }
}
