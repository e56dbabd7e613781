package io.kymux.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.media.Frame;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rule of {@link SessionQueue}, driven by a fake clock (plain longs). */
class SessionQueueTest {

    static final int V = 0;
    static final int A = 1;
    static final long BUDGET = 150_000;
    long seq;

    Frame frame(boolean key, int size, long receivedUs) {
        return new Frame(seq++, receivedUs, false, key, receivedUs, Unpooled.buffer(size).writeZero(size));
    }

    Frame config(long t) {
        return new Frame(seq, t, true, false, t, Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x67}));
    }

    void offer(SessionQueue q, int track, Frame f) {
        q.offerMedia(track, track == V, f, f.receivedUs() + BUDGET);
    }

    List<QueueItem.Media> drain(SessionQueue q, long now) {
        return drain(q, now, UNKNOWN_LINK);
    }

    @Test
    void framesWithinBudgetAreDeliveredInOrder() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(true, 100, 0));
        offer(q, A, frame(true, 10, 1));
        offer(q, V, frame(false, 10, 2));
        assertThat(drain(q, 10_000)).extracting(m -> m.frame().seq()).containsExactly(0L, 1L, 2L);
        assertThat(q.delivered()).isEqualTo(3);
        assertThat(q.drops().total()).isZero();
    }

    @Test
    void lateVideoSkipsToAQueuedReplayKeyframe() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(false, 10, 0));      // seq 0, late at poll
        offer(q, V, frame(false, 10, 10));     // seq 1, dropped with it: before the keyframe
        q.offerReplay(V, true, frame(true, 10, 20)); // seq 2
        assertThat(drain(q, 200_000)).extracting(m -> m.frame().seq()).containsExactly(2L);
        assertThat(q.drops().late()).isEqualTo(2);
        assertThat(q.keyframeWanted()).isFalse();
    }

    @Test
    void lateVideoWithNoKeyframeQueuedWaitsForOneAndWantsIt() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(false, 10, 0));
        offer(q, V, frame(false, 10, 100_000));
        assertThat(drain(q, 200_000)).isEmpty();
        assertThat(q.keyframeWanted()).isTrue();
        offer(q, V, frame(false, 10, 200_000)); // a delta cannot be decoded now: dropped on offer
        assertThat(q.drops().waitingForKey()).isEqualTo(1);
        offer(q, V, frame(true, 10, 210_000));
        assertThat(q.keyframeWanted()).isFalse();
        offer(q, V, frame(false, 10, 220_000));
        assertThat(drain(q, 230_000)).extracting(m -> m.frame().key()).containsExactly(true, false);
    }

    @Test
    void lateAudioIsDroppedAloneAndVideoIsUntouched() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, A, frame(true, 10, 0));
        q.offerMedia(V, true, frame(true, 10, 100_000), 400_000);
        offer(q, A, frame(true, 10, 100_000));
        List<QueueItem.Media> out = drain(q, 200_000);
        assertThat(out).extracting(QueueItem.Media::track).containsExactly(V, A);
        assertThat(q.drops().late()).isEqualTo(1);
        assertThat(q.keyframeWanted()).isFalse();
    }

    @Test
    void newKeyframeSupersedesQueuedFramesOfItsTrackAtOnce() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(true, 10, 0));
        offer(q, V, frame(false, 10, 1));
        offer(q, A, frame(true, 10, 2));
        offer(q, V, frame(true, 10, 3));
        assertThat(drain(q, 4)).extracting(m -> m.frame().seq()).containsExactly(2L, 3L);
        assertThat(q.drops().superseded()).isEqualTo(2);
    }

    @Test
    void aRelayKeepsWhatANewKeyframeWouldSupersede() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT.forRelay());
        offer(q, V, frame(true, 10, 0));
        offer(q, V, frame(false, 10, 1));
        offer(q, V, frame(true, 10, 2));
        assertThat(drain(q, 3)).extracting(m -> m.frame().seq()).containsExactly(0L, 1L, 2L);
        assertThat(q.drops().total()).isZero();
    }

    @Test
    void overflowDropsQueuedMediaAndVideoWaitsForAKeyframe() {
        SessionQueue q = new SessionQueue(new QueueLimits(3, 1 << 20, BUDGET));
        offer(q, V, frame(true, 10, 0));
        offer(q, V, frame(false, 10, 1));
        offer(q, A, frame(true, 10, 2));
        offer(q, V, frame(false, 10, 3)); // 4th frame: over the bound
        assertThat(q.mediaFrames()).isZero();
        assertThat(q.drops().overflow()).isEqualTo(4);
        assertThat(q.keyframeWanted()).isTrue();
        offer(q, A, frame(true, 10, 4)); // audio carries on
        offer(q, V, frame(false, 10, 5)); // still waiting
        offer(q, V, frame(true, 10, 6));
        assertThat(drain(q, 7)).extracting(m -> m.frame().seq()).containsExactly(4L, 6L);
    }

    @Test
    void byteBoundCountsToo() {
        SessionQueue q = new SessionQueue(new QueueLimits(100, 1000, BUDGET));
        offer(q, V, frame(true, 600, 0));
        offer(q, V, frame(false, 600, 1));
        assertThat(q.mediaFrames()).isZero();
        assertThat(q.mediaBytes()).isZero();
        assertThat(q.keyframeWanted()).isTrue();
    }

    @Test
    void configAndControlAreNeverDropped() {
        SessionQueue q = new SessionQueue(new QueueLimits(1, 100, BUDGET));
        q.offerControl(new SessionEvent.SourceEnded(V, "v"));
        q.offerMedia(V, true, config(0), 0);
        offer(q, V, frame(true, 10, 0));
        offer(q, V, frame(false, 10, 1)); // overflow
        q.offerMedia(V, true, config(2), 2);
        List<QueueItem> all = new ArrayList<>();
        for (QueueItem i; (i = q.poll(10_000_000, UNKNOWN_LINK)) != null; ) { // everything is long late
            all.add(i);
        }
        assertThat(all).hasSize(3);
        assertThat(all.get(0)).isInstanceOf(QueueItem.Control.class);
        assertThat(all.subList(1, 3)).allSatisfy(i -> {
            assertThat(((QueueItem.Media) i).frame().config()).isTrue();
            ((QueueItem.Media) i).frame().release();
        });
    }

    @Test
    void replayedGopSurvivesDeadlinesAndBoundsSoAJoinerAlwaysGetsAPicture() {
        SessionQueue q = new SessionQueue(new QueueLimits(2, 1 << 20, BUDGET));
        for (int i = 0; i < 5; i++) {
            q.offerReplay(V, true, frame(i == 0, 10, i)); // more than the bound, long before "now"
        }
        offer(q, V, frame(false, 10, 10_000_000));
        List<QueueItem.Media> out = drain(q, 10_000_001);
        assertThat(out).extracting(m -> m.frame().seq()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(q.drops().total()).isZero();
    }

    @Test
    void aNewerKeyframeSupersedesAReplay() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        q.offerReplay(V, true, frame(true, 10, 0));
        q.offerReplay(V, true, frame(false, 10, 1));
        offer(q, V, frame(true, 10, 2));
        assertThat(drain(q, 3)).extracting(m -> m.frame().seq()).containsExactly(2L);
        assertThat(q.mediaFrames()).isZero();
    }

    @Test
    void framesHandedOutAreNumberedPerTrackWithNoGapWhereTheQueueDropped() {
        SessionQueue q = new SessionQueue(new QueueLimits(4, 1 << 20, BUDGET));
        q.offerReplay(V, true, frame(true, 10, 0));         // feed seq 0, superseded by the keyframe below
        q.offerReplay(V, true, frame(false, 10, 1));        // 1, superseded
        offer(q, V, frame(false, 10, 2));                   // 2, superseded
        offer(q, A, frame(true, 10, 3));                    // 3
        q.offerMedia(V, true, config(4), 4);                // carries the number of the frame after it
        offer(q, V, frame(true, 10, 4));                    // 4
        List<QueueItem.Media> first = drain(q, 10);
        assertThat(first).extracting(m -> m.frame().seq()).containsExactly(3L, 4L, 4L);
        assertThat(first).extracting(QueueItem.Media::seq).containsExactly(0L, 0L, 0L);
        offer(q, V, frame(false, 10, 5));                   // 5, late at the next poll
        offer(q, V, frame(true, 10, 6));                    // 6, late too
        offer(q, A, frame(true, 10, 200_000));              // 7
        List<QueueItem.Media> second = drain(q, 200_000);
        assertThat(second).extracting(m -> m.frame().seq()).containsExactly(7L);
        assertThat(second).extracting(QueueItem.Media::seq).containsExactly(1L);
        for (int i = 0; i < 5; i++) {                       // 8..12: the fifth overflows, video waits
            offer(q, V, frame(i == 0, 10, 300_000 + i));
        }
        offer(q, V, frame(true, 10, 300_010));              // 13
        List<QueueItem.Media> third = drain(q, 300_010);
        assertThat(third).extracting(m -> m.frame().seq()).containsExactly(13L);
        assertThat(third).extracting(QueueItem.Media::seq).as("right after video's 0").containsExactly(1L);
        assertThat(q.drops().total()).as("superseded, late, overflow").isEqualTo(3 + 2 + 5);
    }

    @Test
    void clearReleasesEverything() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        Frame f = frame(true, 10, 0);
        offer(q, V, f);
        q.clear();
        assertThat(f.payload().refCnt()).isZero();
    }

    List<QueueItem.Media> drain(SessionQueue q, long now, DeliveryEstimate link) {
        List<QueueItem.Media> out = new ArrayList<>();
        for (QueueItem i; (i = q.poll(now, link)) != null; ) {
            if (i instanceof QueueItem.Media m) {
                out.add(m);
                m.frame().release();
            }
        }
        return out;
    }

    /** No knowledge of the link: a frame arrives when it is written (only deadlines count). */
    static final DeliveryEstimate UNKNOWN_LINK = (now, bytes) -> now;

    /** A link with {@code queuedUs} of bytes ahead and a byte taking a microsecond. */
    static DeliveryEstimate busyFor(long queuedUs) {
        return (now, bytes) -> now + queuedUs + bytes;
    }

    @Test
    void videoPredictedToArriveLateIsDroppedAndSkipsToTheNextKeyframe() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(false, 1_000, 0)); // seq 0: lands at 50 + 100 + 1 = 151 ms > 150: late
        offer(q, V, frame(false, 1_000, 1)); // seq 1: dropped with it, no keyframe queued
        offer(q, A, frame(true, 100, 3_000)); // seq 2: audio lands at 150.1 ms < 153 ms
        assertThat(drain(q, 50_000, busyFor(100_000))).extracting(m -> m.frame().seq()).containsExactly(2L);
        assertThat(q.drops().late()).isEqualTo(2);
        assertThat(q.keyframeWanted()).isTrue();
    }

    @Test
    void framesPredictedInTimeGoAndAudioLateIsDroppedAlone() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, A, frame(true, 60_000, 0)); // lands at 20 ms + 60 ms + 80 ms = 160 ms > 150: late
        offer(q, V, frame(false, 1_000, 0)); // lands at 101 ms: in time
        assertThat(drain(q, 20_000, busyFor(80_000))).extracting(m -> m.frame().seq()).containsExactly(1L);
        assertThat(q.drops().late()).isEqualTo(1);
        assertThat(q.keyframeWanted()).isFalse();
    }

    @Test
    void aKeyframeOnAnIdleLinkGoesEvenWhenItCannotArriveInTime() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(true, 400_000, 0)); // 400 ms on the wire, nothing ahead of it
        offer(q, V, frame(false, 400_000, 0));
        assertThat(drain(q, 0, busyFor(0))).extracting(m -> m.frame().key()).containsExactly(true);
        assertThat(q.drops().late()).isEqualTo(1);
    }

    @Test
    void aKeyframeThatWaitedForTheLinkIsNotSentLateOnceTheLinkIsIdle() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        offer(q, V, frame(true, 100_000, 0)); // 100 ms on the wire
        // polled 60 ms after ingest (held while earlier frames crossed): lands at 160 ms
        assertThat(drain(q, 60_000, busyFor(0))).isEmpty();
        assertThat(q.drops().late()).isEqualTo(1);
        assertThat(q.keyframeWanted()).isTrue();
        // one that waited less than a third of the budget (the fan-out's delay) still goes
        offer(q, V, frame(true, 400_000, 100_000));
        assertThat(drain(q, 150_000, busyFor(0))).extracting(m -> m.frame().key()).containsExactly(true);
    }

    @Test
    void configIsNeverDroppedForALateLink() {
        SessionQueue q = new SessionQueue(QueueLimits.DEFAULT);
        q.offerMedia(V, true, config(0), BUDGET);
        q.offerReplay(V, true, frame(true, 10, 0));
        assertThat(drain(q, 0, busyFor(10_000_000))).hasSize(2);
        assertThat(q.drops().total()).isZero();
    }
}
