package io.kymux.core.ts;

import io.kymux.core.session.DeliveryEstimate;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A TS viewer's bounded send queue with the deadline policy of every other session, on
 * access units instead of frames. Sans-I/O: the caller passes {@code now}; not thread-safe.
 *
 * <p>Rules (each has a unit test):
 * <ol>
 *   <li>Tables (PAT, PMT) are always queued and never dropped.</li>
 *   <li>Groups go whole or not at all: once a group's first run is handed out, the rest of
 *       it is too; a group dropped at its start has its later runs dropped on offer, and a
 *       run of a group whose start this viewer never got is dropped.</li>
 *   <li>A group is late when its start is polled past its deadline (arrival + budget), or
 *       when the viewer's link ({@link DeliveryEstimate}) predicts it through after that,
 *       except a fresh random-access group (two thirds of its budget left) offered to an
 *       idle link, as in {@link io.kymux.core.session.SessionQueue}. A late group is
 *       dropped, and so is every queued group up to the next queued random-access point; if
 *       none is queued, groups are dropped until one comes.</li>
 *   <li>Replayed groups (the feed's cache for a joining viewer) have no deadline. A viewer's
 *       budget starts when its first group reaches the head: a group that waited for it
 *       before then (a server busy with the viewer's arrival) is judged from that moment. A
 *       TS viewer cannot be sent a keyframe on request, so the alternative is a GOP of
 *       nothing.</li>
 *   <li>An offer past the byte bound drops every queued group not yet started and waits for
 *       a random-access point; runs from before the program is known are dropped alone.</li>
 * </ol>
 */
public final class TsViewerQueue {

    private final long budgetUs;
    private final long maxBytes;
    private final ArrayDeque<TsUnit> units = new ArrayDeque<>();
    private long queuedBytes;
    /** The group being handed out, whose later runs must follow. */
    private long sendingGroup = -1;
    /** The newest group this viewer takes (its start was queued). */
    private long acceptedGroup = -1;
    private boolean waitingForKey;
    /** When this viewer's first group reached the head; -1 before. */
    private long startedUs = -1;
    private long groupsSent;
    private long droppedLate;
    private long droppedWaiting;
    private long droppedOverflow;
    private long droppedBytes;

    public TsViewerQueue(long budgetUs, long maxBytes) {
        if (budgetUs <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("budget and bound must be positive");
        }
        this.budgetUs = budgetUs;
        this.maxBytes = maxBytes;
    }

    /** Queues a unit, taking ownership of it (it is released if dropped). */
    public void offer(TsUnit u) {
        switch (u.kind()) {
            case TABLES -> add(u);
            case UNGROUPED -> {
                if (queuedBytes + u.bytes() > maxBytes) {
                    drop(u);
                } else {
                    add(u);
                }
            }
            case MEDIA -> offerMedia(u);
        }
    }

    private void offerMedia(TsUnit u) {
        if (!u.start()) {
            if (u.group() == acceptedGroup || u.group() == sendingGroup) {
                add(u);
            } else {
                drop(u);
            }
            return;
        }
        if (waitingForKey && !u.key()) {
            droppedWaiting++;
            drop(u);
            return;
        }
        if (!u.replay() && queuedBytes + u.bytes() > maxBytes) {
            droppedOverflow += dropUnstarted();
            waitingForKey = true;
            if (!u.key()) {
                droppedOverflow++;
                drop(u);
                return;
            }
        }
        waitingForKey = false;
        acceptedGroup = u.group();
        add(u);
    }

    /** A link that delivers at once: the deadline alone decides. */
    public static final DeliveryEstimate IMMEDIATE = (nowUs, bytes) -> nowUs;

    /** The next unit to write (the caller owns it), or null, on a link that delivers at once. */
    public TsUnit poll(long nowUs) {
        return poll(nowUs, IMMEDIATE);
    }

    /** The next unit to write (the caller owns it), or null. */
    public TsUnit poll(long nowUs, DeliveryEstimate link) {
        while (!units.isEmpty()) {
            TsUnit head = units.peekFirst();
            if (startedUs < 0 && head.kind() == TsUnit.Kind.MEDIA && head.start()) {
                startedUs = nowUs;
            }
            if (head.kind() == TsUnit.Kind.MEDIA && head.start() && !head.replay() && late(head, nowUs, link)) {
                droppedLate++;
                if (!dropUntilKeyAfter(head.group())) {
                    waitingForKey = true;
                    acceptedGroup = -1;
                }
                continue;
            }
            units.pollFirst();
            queuedBytes -= head.bytes();
            if (head.kind() == TsUnit.Kind.MEDIA && head.start()) {
                sendingGroup = head.group();
                groupsSent++;
            }
            return head;
        }
        return null;
    }

    /** Drops every queued media run of a group not yet started; returns how many groups. */
    private int dropUnstarted() {
        int groups = 0;
        for (Iterator<TsUnit> it = units.iterator(); it.hasNext(); ) {
            TsUnit u = it.next();
            if (u.kind() == TsUnit.Kind.MEDIA && u.group() != sendingGroup) {
                if (u.start()) {
                    groups++;
                }
                it.remove();
                queuedBytes -= u.bytes();
                drop(u);
            }
        }
        acceptedGroup = -1;
        return groups;
    }

    private boolean late(TsUnit start, long nowUs, DeliveryEstimate link) {
        long deadline = Math.max(start.ingestUs(), startedUs) + budgetUs;
        return link.late(nowUs, deadline, start.bytes(), start.key(), budgetUs);
    }

    /**
     * Drops queued media from {@code group} on, up to the start of a newer random-access
     * group (kept); tables in between stay. Returns whether such a group was queued.
     */
    private boolean dropUntilKeyAfter(long group) {
        for (Iterator<TsUnit> it = units.iterator(); it.hasNext(); ) {
            TsUnit u = it.next();
            if (u.kind() != TsUnit.Kind.MEDIA || u.group() == sendingGroup) {
                continue;
            }
            if (u.start() && u.key() && u.group() > group) {
                return true;
            }
            if (u.start() && u.group() != group) {
                droppedLate++;
            }
            it.remove();
            queuedBytes -= u.bytes();
            drop(u);
        }
        return false;
    }

    private void add(TsUnit u) {
        units.addLast(u);
        queuedBytes += u.bytes();
    }

    private void drop(TsUnit u) {
        droppedBytes += u.bytes();
        u.packets().release();
    }

    public long queuedBytes() {
        return queuedBytes;
    }

    public boolean isEmpty() {
        return units.isEmpty();
    }

    public boolean waitingForKey() {
        return waitingForKey;
    }

    public Stats stats() {
        return new Stats(groupsSent, droppedLate, droppedWaiting, droppedOverflow, droppedBytes, queuedBytes);
    }

    /** Releases everything queued. */
    public void clear() {
        units.forEach(this::drop);
        units.clear();
        queuedBytes = 0;
    }

    /** Counters for the API and the close log. */
    public record Stats(long groupsSent, long droppedLate, long droppedWaiting, long droppedOverflow, long droppedBytes,
                        long queuedBytes) {
    }
}
