package io.kymux.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FeedLimits;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A session over a real feed, with a fake clock: late frames lead to a rate-limited keyframe request. */
class SessionTest {

    static MediaPacket media(long pts, boolean key) {
        return new MediaPacket(pts, false, key, Unpooled.wrappedBuffer(new byte[100]));
    }

    /** A live video feed whose keyframe requests are counted in {@code asked}. */
    static Feed videoFeed(AtomicInteger asked) {
        Feed feed = new Feed("v", FeedLimits.DEFAULT);
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        feed.setKeyframeRequester(asked::incrementAndGet);
        return feed;
    }

    /** A GOP of {@code frames} frames at 30 fps from time 0, keyframe first. */
    static void publishGop(Feed feed, int frames) {
        for (int i = 0; i < frames; i++) {
            feed.publish(media(i * 33_000L, i == 0), i * 33_000L);
        }
    }

    /** A session of a viewer that acknowledges (the ?ack=1 of its URL), joining at {@code joinUs}. */
    static Session pacedJoin(Feed feed, long joinUs) {
        Session s = new Session(1, "v", List.of(feed), new QueueLimits(120, 1 << 20, 150_000), () -> { });
        s.ack(-1, -1, joinUs);
        s.start(joinUs);
        return s;
    }

    @Test
    void aViewerThatFallsBehindAsksTheProducerForAKeyframeAtMostTwiceASecond() {
        AtomicInteger asked = new AtomicInteger();
        Feed feed = videoFeed(asked);
        AtomicInteger wakes = new AtomicInteger();
        Session s = new Session(1, "v", List.of(feed), new QueueLimits(120, 1 << 20, 150_000), wakes::incrementAndGet);
        s.start(0);
        assertThat(s.poll(0)).isInstanceOf(QueueItem.Control.class); // the track description
        assertThat(asked.get()).as("nothing cached to start on: the join asks for a keyframe").isEqualTo(1);
        feed.publish(media(0, true), 0);
        feed.publish(media(33_000, false), 33_000);
        assertThat(wakes.get()).as("woken on each empty → non-empty").isEqualTo(2);
        // the viewer reads nothing until 400 ms: everything queued is late
        assertThat(s.poll(400_000)).isNull();
        assertThat(asked.get()).as("rate-limited: the join asked 400 ms ago").isEqualTo(1);
        feed.publish(media(433_000, false), 433_000); // dropped: waiting for a keyframe
        assertThat(s.poll(450_000)).isNull();
        assertThat(asked.get()).as("rate-limited").isEqualTo(1);
        // nothing wakes the transport while delta frames are dropped on offer, so the
        // session asks again from the offer itself once the feed's interval has passed
        feed.publish(media(850_000, false), 850_000);
        assertThat(asked.get()).as("the interval since the join's request has passed").isEqualTo(2);
        feed.publish(media(950_000, false), 950_000);
        assertThat(asked.get()).as("rate-limited").isEqualTo(2);
        assertThat(wakes.get()).as("dropped frames wake nobody").isEqualTo(2);
        feed.publish(media(960_000, true), 960_000); // the producer answered
        assertThat(s.poll(970_000)).isInstanceOfSatisfying(QueueItem.Media.class, m -> {
            assertThat(m.frame().key()).isTrue();
            m.frame().release();
        });
        assertThat(s.keyframeWanted()).isFalse();
        assertThat(s.stats().drops().late()).isEqualTo(2);
        assertThat(s.stats().drops().waitingForKey()).isEqualTo(3);
        s.close();
        feed.dispose();
    }

    @Test
    void aViewerOfAProducerThatStartedMidGopGetsNothingBeforeAKeyframe() {
        AtomicInteger asked = new AtomicInteger();
        Feed feed = videoFeed(asked);
        feed.publish(media(0, false), 0); // a camera joined mid-GOP: deltas first
        Session s = new Session(1, "v", List.of(feed), new QueueLimits(120, 1 << 20, 150_000), () -> { });
        s.start(10_000);
        assertThat(s.poll(10_000)).isInstanceOf(QueueItem.Control.class);
        feed.publish(media(33_000, false), 33_000);
        assertThat(s.poll(34_000)).as("a delta before any keyframe does not decode").isNull();
        feed.publish(media(66_000, true), 66_000);
        feed.publish(media(99_000, false), 99_000);
        for (boolean key : new boolean[] {true, false}) {
            assertThat(s.poll(100_000)).isInstanceOfSatisfying(QueueItem.Media.class, m -> {
                assertThat(m.frame().key()).isEqualTo(key);
                m.frame().release();
            });
        }
        assertThat(s.stats().drops().waitingForKey()).isEqualTo(1);
        assertThat(asked.get()).as("and it asked for one").isPositive();
        s.close();
        feed.dispose();
    }

    @Test
    void aViewerJoiningLateInALongGopGetsAFreshKeyframeInsteadOfTheRestOfTheReplay() {
        AtomicInteger asked = new AtomicInteger();
        Feed feed = videoFeed(asked);
        publishGop(feed, 30); // 1 s old by the join
        Session s = pacedJoin(feed, 1_000_000);
        assertThat(asked.get()).as("the replay reaches back past the budget").isEqualTo(1);
        assertThat(s.poll(1_000_000)).isInstanceOf(QueueItem.Control.class);
        // the replay's keyframe: the first picture, written at once
        QueueItem first = s.poll(1_000_000);
        assertThat(first).isInstanceOfSatisfying(QueueItem.Media.class, m -> {
            assertThat(m.frame().key()).isTrue();
            assertThat(m.replay()).isTrue();
            s.sent(m, 1_000_000);
            m.frame().release();
        });
        assertThat(s.mayWrite(1_000_000)).as("nothing known of the link: one frame in flight").isFalse();
        feed.publish(media(1_020_000, true), 1_020_000); // the producer answered
        s.ack(0, 0, 1_130_000); // a thin link: the keyframe took 130 ms
        assertThat(s.mayWrite(1_130_000)).isTrue();
        assertThat(s.poll(1_130_000)).isInstanceOfSatisfying(QueueItem.Media.class, m -> {
            assertThat(m.replay()).as("the replay's 29 deltas were superseded").isFalse();
            assertThat(m.frame().key()).isTrue();
            m.frame().release();
        });
        assertThat(s.poll(1_130_000)).isNull();
        assertThat(s.stats().drops().superseded()).isEqualTo(29);
        s.close();
        feed.dispose();
    }

    @Test
    void aViewerJoiningEarlyInAGopGetsTheReplayAndNoExtraKeyframe() {
        AtomicInteger asked = new AtomicInteger();
        Feed feed = videoFeed(asked);
        publishGop(feed, 4);
        Session s = pacedJoin(feed, 120_000); // as the late joiner above: only the GOP's age differs
        assertThat(asked.get()).as("a 120 ms old GOP is within the budget").isZero();
        assertThat(s.poll(120_000)).isInstanceOf(QueueItem.Control.class);
        for (int i = 0; i < 4; i++) {
            assertThat(s.poll(120_000)).isInstanceOfSatisfying(QueueItem.Media.class, m -> {
                assertThat(m.replay()).isTrue();
                m.frame().release();
            });
        }
        s.close();
        feed.dispose();
    }

    @Test
    void updatingTheFeedListMutesAndUnmutesWithStableTrackNumbers() {
        Feed video = new Feed("v", FeedLimits.DEFAULT);
        Feed audio = new Feed("a", FeedLimits.DEFAULT);
        video.open(StreamHeader.video(CodecId.H264, 320, 240));
        audio.open(StreamHeader.audio(CodecId.OPUS));
        Session s = new Session(1, "s", List.of(video, audio), QueueLimits.DEFAULT, () -> { });
        s.start(0);
        drainAll(s, 0);
        s.update(List.of(video), 10);
        audio.publish(new MediaPacket(20, false, true, Unpooled.wrappedBuffer(new byte[10])), 20);
        assertThat(drainAll(s, 30)).containsExactly("muted 1 a");
        s.update(List.of(video, audio), 40);
        audio.publish(new MediaPacket(50, false, true, Unpooled.wrappedBuffer(new byte[10])), 50);
        assertThat(drainAll(s, 60)).containsExactly("track 1 a", "media 1");
        Feed extra = new Feed("x", FeedLimits.DEFAULT);
        extra.open(StreamHeader.audio(CodecId.OPUS));
        s.update(List.of(video, audio, extra), 70);
        assertThat(drainAll(s, 80)).containsExactly("track 2 x");
        assertThat(s.tracks()).extracting(Session.TrackSlot::feed).containsExactly("v", "a", "x");
        s.close();
        video.dispose();
        audio.dispose();
        extra.dispose();
    }

    private static List<String> drainAll(Session s, long now) {
        List<String> out = new java.util.ArrayList<>();
        for (QueueItem i; (i = s.poll(now)) != null; ) {
            if (i instanceof QueueItem.Media m) {
                out.add("media " + m.track());
                m.frame().release();
            } else if (((QueueItem.Control) i).event() instanceof SessionEvent.Muted e) {
                out.add("muted " + e.track() + " " + e.feed());
            } else if (((QueueItem.Control) i).event() instanceof SessionEvent.TrackChanged e) {
                out.add("track " + e.track() + " " + e.feed());
            }
        }
        return out;
    }
}
