package io.kymux.core.session;

import io.kymux.core.media.Frame;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * A viewer's bounded, deadline-aware send queue. Sans-I/O: the caller passes {@code now}.
 *
 * <p>Rules (each has a unit test):
 * <ol>
 *   <li>Control items and config frames are always queued and never dropped.</li>
 *   <li>Replayed GOP frames (a joining viewer's first picture) have no deadline and do not
 *       count against the bounds (the feed's GOP cache bounds them); only a newer keyframe
 *       of their track supersedes them.</li>
 *   <li>A new video keyframe supersedes the queued frames of its track before it: they
 *       are dropped at once (unless the limits are a relay's).</li>
 *   <li>A video frame past its deadline at {@link #poll} makes its track skip to the next
 *       queued keyframe, or drop everything and wait for one; a late audio frame is
 *       dropped alone. A frame counts as late too when the transport's
 *       {@link DeliveryEstimate} predicts it would arrive after its deadline, except a
 *       fresh keyframe offered to an idle link: nothing would reach that viewer sooner. A
 *       keyframe is fresh while at least two thirds of its budget are left; one that has
 *       waited longer waited for the link, behind frames written before it, and the next
 *       keyframe, sent as it comes, shows a newer picture sooner after its capture.</li>
 *   <li>An offer that would exceed the frame or byte bound drops all queued media (the
 *       viewer is too far behind to catch up); video tracks then wait for a keyframe.</li>
 *   <li>While a video track waits for a keyframe its delta frames are dropped on offer,
 *       and {@link #keyframeWanted()} is true so the session can ask the producer (it asks
 *       at the poll that dropped, and again on each frame dropped while waiting).</li>
 *   <li>{@link #poll} numbers the media it hands out 0, 1, 2, … per track, so what the
 *       queue drops leaves no gap; a config frame gets the number of the frame after it.</li>
 * </ol>
 */
public final class SessionQueue {

    private final QueueLimits limits;
    private final ArrayDeque<QueueItem> items = new ArrayDeque<>();
    private final Set<Integer> waitingForKey = new HashSet<>();
    /** Per track: the number the next media frame handed out gets. */
    private long[] nextSeq = new long[2];
    private int mediaFrames;
    private long mediaBytes;
    private long delivered;
    private long dropOverflow;
    private long dropLate;
    private long dropWaiting;
    private long dropSuperseded;

    public SessionQueue(QueueLimits limits) {
        this.limits = limits;
    }

    public QueueLimits limits() {
        return limits;
    }

    public void offerControl(SessionEvent event) {
        items.add(new QueueItem.Control(event));
    }

    /**
     * Queues a frame, taking ownership of it (it is released if dropped).
     *
     * @return true if queued
     */
    public boolean offerMedia(int track, boolean video, Frame frame, long deadlineUs) {
        if (frame.config()) {
            items.add(new QueueItem.Media(track, video, frame, deadlineUs, false));
            return true;
        }
        if (video) {
            if (frame.key()) {
                waitingForKey.remove(track);
                if (limits.keyframeSupersedes()) {
                    dropSuperseded += dropTrack(track, false);
                }
            } else if (waitingForKey.contains(track)) {
                dropWaiting++;
                frame.release();
                return false;
            }
        }
        if (mediaFrames > 0 && (mediaFrames + 1 > limits.maxFrames() || mediaBytes + frame.size() > limits.maxBytes())) {
            dropAllMedia();
            if (video && !frame.key()) {
                waitingForKey.add(track);
                dropOverflow++;
                frame.release();
                return false;
            }
        }
        items.add(new QueueItem.Media(track, video, frame, deadlineUs, false));
        mediaFrames++;
        mediaBytes += frame.size();
        return true;
    }

    /**
     * A video track starts (a join, or new codec parameters): nothing of it decodes before
     * a keyframe, so its delta frames are dropped until one comes (from the cached GOP, or
     * live if the cache holds none).
     */
    public void awaitKeyframe(int track) {
        waitingForKey.add(track);
    }

    /** Queues a frame of the cached GOP for a joining viewer (see the replay rule). */
    public void offerReplay(int track, boolean video, Frame frame) {
        if (video && frame.key()) {
            waitingForKey.remove(track);
        }
        items.add(new QueueItem.Media(track, video, frame, Long.MAX_VALUE, true));
    }

    /** The next item to send, applying the deadline rule with the link's estimate; null when empty. */
    public QueueItem poll(long nowUs, DeliveryEstimate link) {
        while (true) {
            QueueItem head = items.poll();
            if (head == null) {
                return null;
            }
            if (!(head instanceof QueueItem.Media m)) {
                return head;
            }
            if (!m.mustDeliver()) {
                mediaFrames--;
                mediaBytes -= m.frame().size();
                if (late(m, nowUs, link)) {
                    dropLate++;
                    m.frame().release();
                    if (m.video()) {
                        skipToNextKeyframe(m.track());
                    }
                    continue;
                }
            }
            if (!m.frame().config()) {
                delivered++;
            }
            return numbered(m);
        }
    }

    private QueueItem.Media numbered(QueueItem.Media m) {
        if (m.track() >= nextSeq.length) {
            nextSeq = Arrays.copyOf(nextSeq, Math.max(m.track() + 1, 2 * nextSeq.length));
        }
        long seq = nextSeq[m.track()];
        if (!m.frame().config()) {
            nextSeq[m.track()] = seq + 1;
        }
        return m.numbered(seq);
    }

    private boolean late(QueueItem.Media m, long nowUs, DeliveryEstimate link) {
        return link.late(nowUs, m.deadlineUs(), m.frame().size(), m.video() && m.frame().key(), limits.latencyBudgetUs());
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int mediaFrames() {
        return mediaFrames;
    }

    public long mediaBytes() {
        return mediaBytes;
    }

    public long delivered() {
        return delivered;
    }

    public DropCounters drops() {
        return new DropCounters(dropOverflow, dropLate, dropWaiting, dropSuperseded);
    }

    /** True while some video track waits for a keyframe that is not yet queued. */
    public boolean keyframeWanted() {
        return !waitingForKey.isEmpty();
    }

    /** True while this video track's delta frames are dropped until its next keyframe. */
    public boolean waitingForKeyframe(int track) {
        return waitingForKey.contains(track);
    }

    /** The video tracks waiting for a keyframe. */
    public Set<Integer> tracksWantingKeyframe() {
        return Set.copyOf(waitingForKey);
    }

    /** Releases every queued frame. */
    public void clear() {
        for (QueueItem i : items) {
            if (i instanceof QueueItem.Media m) {
                m.frame().release();
            }
        }
        items.clear();
        mediaFrames = 0;
        mediaBytes = 0;
    }

    private void skipToNextKeyframe(int track) {
        boolean keyQueued = items.stream().anyMatch(i -> i instanceof QueueItem.Media m && m.track() == track
                && m.frame().key() && !m.frame().config());
        dropLate += dropTrack(track, keyQueued);
        if (!keyQueued) {
            waitingForKey.add(track);
        }
    }

    /**
     * Drops the queued non-config media of a track; with {@code untilKey} only up to its
     * first queued keyframe. Returns how many were dropped.
     */
    private long dropTrack(int track, boolean untilKey) {
        long n = 0;
        for (Iterator<QueueItem> it = items.iterator(); it.hasNext(); ) {
            if (it.next() instanceof QueueItem.Media m && m.track() == track && !m.frame().config()) {
                if (untilKey && m.frame().key()) {
                    break;
                }
                it.remove();
                forget(m);
                n++;
            }
        }
        return n;
    }

    private void dropAllMedia() {
        for (Iterator<QueueItem> it = items.iterator(); it.hasNext(); ) {
            if (it.next() instanceof QueueItem.Media m && !m.mustDeliver()) {
                it.remove();
                forget(m);
                dropOverflow++;
                if (m.video()) {
                    waitingForKey.add(m.track());
                }
            }
        }
    }

    private void forget(QueueItem.Media m) {
        if (!m.mustDeliver()) {
            mediaFrames--;
            mediaBytes -= m.frame().size();
        }
        m.frame().release();
    }
}
