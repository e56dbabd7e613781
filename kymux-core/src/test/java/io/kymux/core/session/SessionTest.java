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

    @Test
    void aViewerThatFallsBehindAsksTheProducerForAKeyframeAtMostTwiceASecond() {
        Feed feed = new Feed("v", FeedLimits.DEFAULT);
        AtomicInteger asked = new AtomicInteger();
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        feed.setKeyframeRequester(asked::incrementAndGet);
        AtomicInteger wakes = new AtomicInteger();
        Session s = new Session(1, "v", List.of(feed), new QueueLimits(120, 1 << 20, 150_000), wakes::incrementAndGet);
        s.start(0);
        assertThat(s.poll(0)).isInstanceOf(QueueItem.Control.class); // the track description
        feed.publish(media(0, true), 0);
        feed.publish(media(33_000, false), 33_000);
        assertThat(wakes.get()).as("woken on each empty → non-empty").isEqualTo(2);
        // the viewer reads nothing until 400 ms: everything queued is late
        assertThat(s.poll(400_000)).isNull();
        assertThat(asked.get()).isEqualTo(1);
        feed.publish(media(433_000, false), 433_000); // dropped: waiting for a keyframe
        assertThat(s.poll(450_000)).isNull();
        assertThat(asked.get()).as("rate-limited").isEqualTo(1);
        assertThat(s.poll(950_000)).isNull();
        assertThat(asked.get()).isEqualTo(2);
        feed.publish(media(960_000, true), 960_000); // the producer answered
        assertThat(s.poll(970_000)).isInstanceOfSatisfying(QueueItem.Media.class, m -> {
            assertThat(m.frame().key()).isTrue();
            m.frame().release();
        });
        assertThat(s.keyframeWanted()).isFalse();
        assertThat(s.stats().drops().late()).isEqualTo(2);
        assertThat(s.stats().drops().waitingForKey()).isEqualTo(1);
        s.close();
        feed.dispose();
    }
}
