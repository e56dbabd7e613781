package io.kymux.core.ts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TS viewer's deadline policy on a fake clock: 150 ms budget. */
class TsViewerQueueTest {

    static final long BUDGET = 150_000;
    private final List<ByteBuf> made = new ArrayList<>();

    @AfterEach
    void everythingWasReleased() {
        for (ByteBuf b : made) {
            assertThat(b.refCnt()).as("a unit's bytes were released").isZero();
        }
    }

    private TsUnit media(long group, boolean start, boolean key, long ingestUs, int packets) {
        ByteBuf b = Unpooled.buffer(packets * 188).writeZero(packets * 188);
        made.add(b);
        return new TsUnit(TsUnit.Kind.MEDIA, group, start, key, ingestUs, false, b);
    }

    private TsUnit tables() {
        ByteBuf b = Unpooled.buffer(376).writeZero(376);
        made.add(b);
        return new TsUnit(TsUnit.Kind.TABLES, -1, false, false, 0, false, b);
    }

    /** Polls everything at {@code now}, releasing it; returns "kind:group" of each. */
    private static List<String> drain(TsViewerQueue q, long now) {
        return drain(q, now, (t, bytes) -> t);
    }

    private static List<String> drain(TsViewerQueue q, long now, io.kymux.core.session.DeliveryEstimate link) {
        List<String> out = new ArrayList<>();
        for (TsUnit u = q.poll(now, link); u != null; u = q.poll(now, link)) {
            out.add(u.kind() == TsUnit.Kind.MEDIA ? "g" + u.group() + (u.start() ? "" : "+") : u.kind().name());
            u.packets().release();
        }
        return out;
    }

    @Test
    void groupsWithinTheBudgetPassInOrder() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(tables());
        q.offer(media(1, true, true, 0, 3));
        q.offer(media(1, false, true, 0, 1));
        q.offer(media(2, true, false, 33_000, 1));
        assertThat(drain(q, 40_000)).containsExactly("TABLES", "g1", "g1+", "g2");
        assertThat(q.stats().groupsSent()).isEqualTo(2);
    }

    @Test
    void aLateGroupIsDroppedWholeAndTheViewerWaitsForTheNextRandomAccessPoint() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(1, true, true, 0, 2));
        assertThat(drain(q, 1_000)).containsExactly("g1");
        q.offer(media(2, true, false, 10_000, 2));
        assertThat(drain(q, 10_000 + BUDGET + 1)).as("late at its start").isEmpty();
        q.offer(media(2, false, false, 10_000, 1)); // the rest of the late group, arriving after
        q.offer(tables());
        q.offer(media(3, true, false, 200_000, 1)); // in time, but not a random-access point
        q.offer(media(4, true, true, 233_000, 1));
        assertThat(drain(q, 240_000)).containsExactly("TABLES", "g4");
        assertThat(q.stats().droppedLate()).isEqualTo(1);
        assertThat(q.stats().droppedWaiting()).isEqualTo(1);
    }

    @Test
    void aGroupAlreadyStartedIsFinishedEvenWhenItsRestComesLate() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(1, true, true, 0, 1));
        assertThat(drain(q, 0)).containsExactly("g1");
        q.offer(media(1, false, true, 0, 5));
        assertThat(drain(q, 900_000)).containsExactly("g1+");
    }

    /** A queue whose viewer got its first group (group 0) at time 0. */
    private TsViewerQueue started() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(0, true, true, 0, 1));
        assertThat(drain(q, 0)).containsExactly("g0");
        return q;
    }

    @Test
    void aViewersBudgetStartsWhenItsFirstGroupReachesTheHead() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(1, true, true, 0, 1));
        q.offer(media(2, true, false, 16_000, 1));
        // the server was busy with the joining viewer for 200 ms: what waited for it still goes
        assertThat(drain(q, 200_000)).containsExactly("g1", "g2");
        q.offer(media(3, true, false, 100_000, 1));
        assertThat(drain(q, 340_000)).as("within the budget from the start").containsExactly("g3");
        q.offer(media(4, true, false, 300_000, 1));
        assertThat(drain(q, 451_000)).as("live from then on").isEmpty();
        assertThat(q.stats().droppedLate()).isEqualTo(1);
    }

    @Test
    void aLateGroupSkipsToAQueuedRandomAccessPointAndTablesInBetweenStay() {
        TsViewerQueue q = started();
        q.offer(media(1, true, true, 0, 1));
        q.offer(media(2, true, false, 33_000, 1));
        q.offer(tables());
        q.offer(media(3, true, true, 190_000, 1));
        q.offer(media(4, true, false, 223_000, 1));
        assertThat(drain(q, 230_000)).containsExactly("TABLES", "g3", "g4");
        assertThat(q.stats().droppedLate()).isEqualTo(2);
    }

    /** A link that takes {@code bytesPerSecond} and has {@code queued} bytes ahead of a new write. */
    private static io.kymux.core.session.DeliveryEstimate link(long bytesPerSecond, long queued) {
        return (now, bytes) -> now + (queued + bytes) * 1_000_000 / bytesPerSecond;
    }

    @Test
    void aGroupTheLinkWouldBringPastItsDeadlineIsDroppedBeforeItIsWritten() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(1, true, false, 0, 100)); // 18800 bytes
        q.offer(media(2, true, true, 20_000, 1));
        // 250 KB/s with 30 KB ahead: group 1 would be through at 195 ms, past its 150 ms
        assertThat(drain(q, 10_000, link(250_000, 30_000))).as("the key after it still fits").containsExactly("g2");
        assertThat(q.stats().droppedLate()).isEqualTo(1);
    }

    @Test
    void aFreshRandomAccessGroupGoesToAnIdleLinkEvenWhenItCannotArriveInTime() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(1, true, true, 0, 200)); // 37600 bytes: 188 ms at 200 KB/s, and nothing sooner
        assertThat(drain(q, 0, link(200_000, 0))).containsExactly("g1");
        TsViewerQueue busy = new TsViewerQueue(BUDGET, 1 << 20);
        busy.offer(media(2, true, true, 0, 200));
        assertThat(drain(busy, 0, link(200_000, 1000))).as("not to a busy link").isEmpty();
        TsViewerQueue stale = started();
        stale.offer(media(3, true, true, 0, 200));
        assertThat(drain(stale, 60_000, link(200_000, 0))).as("a third of its budget gone").isEmpty();
    }

    @Test
    void replayedGroupsHaveNoDeadline() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(1, true, true, 0, 1).asReplay());
        q.offer(media(2, true, false, 33_000, 1).asReplay());
        made.forEach(ByteBuf::release); // asReplay took references of their own
        assertThat(drain(q, 5_000_000)).containsExactly("g1", "g2");
    }

    @Test
    void aRunOfAGroupWhoseStartThisViewerNeverGotIsDropped() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 1 << 20);
        q.offer(media(7, false, false, 0, 2)); // joined in the middle of group 7
        q.offer(media(8, true, false, 33_000, 1));
        assertThat(drain(q, 40_000)).containsExactly("g8");
    }

    @Test
    void anOfferPastTheBoundDropsTheUnstartedGroupsAndWaitsForAKey() {
        TsViewerQueue q = new TsViewerQueue(BUDGET, 10 * 188);
        q.offer(tables());
        q.offer(media(1, true, true, 0, 4));
        q.offer(media(2, true, false, 0, 4));
        q.offer(media(3, true, false, 0, 4)); // over the bound
        q.offer(media(4, true, false, 0, 1)); // waiting for a key
        q.offer(media(5, true, true, 0, 2));
        assertThat(drain(q, 1_000)).containsExactly("TABLES", "g5");
        assertThat(q.stats().droppedOverflow()).isEqualTo(3);
    }

    @Test
    void underAnyOffersAndPollsGroupsGoWholeOrNotAtAllAndEveryByteIsAccounted() {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            TsViewerQueue q = new TsViewerQueue(BUDGET, (5 + random.nextInt(60)) * 188L);
            long now = 0;
            long group = 0;
            long offeredBytes = 0;
            long deliveredBytes = 0;
            Map<Long, List<Boolean>> delivered = new HashMap<>(); // per group: start, then the rest
            Map<Long, Integer> piecesOffered = new HashMap<>();
            for (int step = 0; step < 400; step++) {
                now += random.nextInt(20_000);
                int what = random.nextInt(10);
                TsUnit u;
                if (what == 0) {
                    u = tables();
                } else if (what < 4 || group == 0) {
                    group++;
                    u = media(group, true, random.nextInt(8) == 0, now, 1 + random.nextInt(8));
                } else {
                    u = media(group, false, false, now, 1 + random.nextInt(8));
                }
                if (u.kind() == TsUnit.Kind.MEDIA) {
                    piecesOffered.merge(u.group(), 1, Integer::sum);
                }
                offeredBytes += u.bytes();
                q.offer(u);
                if (random.nextInt(3) == 0) {
                    for (int n = random.nextInt(4); n > 0; n--) {
                        TsUnit out = q.poll(now);
                        if (out == null) {
                            break;
                        }
                        deliveredBytes += out.bytes();
                        if (out.kind() == TsUnit.Kind.MEDIA) {
                            List<Boolean> got = delivered.computeIfAbsent(out.group(), g -> new ArrayList<>());
                            assertThat(got.isEmpty()).as("a group's first run out is its start").isEqualTo(out.start());
                            got.add(out.start());
                        }
                        out.packets().release();
                    }
                }
            }
            for (TsUnit out = q.poll(now); out != null; out = q.poll(now)) {
                deliveredBytes += out.bytes();
                if (out.kind() == TsUnit.Kind.MEDIA) {
                    delivered.computeIfAbsent(out.group(), g -> new ArrayList<>()).add(out.start());
                }
                out.packets().release();
            }
            for (Map.Entry<Long, List<Boolean>> e : delivered.entrySet()) {
                assertThat(e.getValue()).as("group %d went whole", e.getKey()).hasSize(piecesOffered.get(e.getKey()));
            }
            assertThat(deliveredBytes + q.stats().droppedBytes()).isEqualTo(offeredBytes);
        }
    }
}
