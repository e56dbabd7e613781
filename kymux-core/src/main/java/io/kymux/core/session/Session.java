package io.kymux.core.session;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FrameSink;
import io.kymux.core.media.Frame;
import io.kymux.core.media.TrackInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One viewer of a set of feeds (one feed, or a stream's feeds) on any transport. It numbers
 * the feeds as tracks 0..n-1, receives their frames as a {@link FrameSink}, and holds them
 * in a {@link SessionQueue} until the transport polls them.
 *
 * <p>Transport-independent and sans-I/O apart from two hooks: {@code wake} is run when
 * the queue goes from empty to non-empty (the transport then schedules a drain on its own
 * thread), and {@code clock} stamps the join instant. Thread-safe by its own monitor.
 */
public final class Session implements FrameSink {

    private final long id;
    private final String target;
    /** Track number → feed; append-only, so numbers stay stable while a stream is re-posted. */
    private final List<Feed> feeds = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The tracks currently subscribed (the others are muted). */
    private final java.util.Set<Feed> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Per track: frames received before this instant are the cached GOP (replay). */
    private final java.util.Map<Feed, Long> joinedUs = new java.util.concurrent.ConcurrentHashMap<>();
    private final SessionQueue queue;
    private final InFlight inFlight;
    private final Runnable wake;
    private boolean closed;

    public Session(long id, String target, List<Feed> feeds, QueueLimits limits, Runnable wake) {
        this.id = id;
        this.target = target;
        this.feeds.addAll(feeds);
        this.queue = new SessionQueue(limits);
        // beyond a round trip, a third of the budget unacknowledged stops writing
        this.inFlight = new InFlight(limits.latencyBudgetUs() / 3);
        this.wake = wake;
    }

    public long id() {
        return id;
    }

    public String target() {
        return target;
    }

    /** Track number → feed name, and the current description where known. */
    public List<TrackSlot> tracks() {
        List<TrackSlot> out = new ArrayList<>();
        for (int i = 0; i < feeds.size(); i++) {
            out.add(new TrackSlot(i, feeds.get(i).name(), feeds.get(i).track()));
        }
        return out;
    }

    /**
     * Subscribes to every feed; cached config and GOP frames are queued at once. A viewer
     * that acknowledges (said so before this) and joins a GOP older than the budget also
     * makes its feed ask the producer for a keyframe: the replay then waits for the link's
     * first ack, and a fresh keyframe supersedes whatever of it is still queued.
     */
    public void start(long nowUs) {
        for (Feed f : feeds) {
            join(f, nowUs);
        }
    }

    /**
     * The stream was re-posted with this feed list: feeds no longer listed are muted (the
     * viewer gets a {@link SessionEvent.Muted}), listed ones are joined or unmuted (config
     * and cached GOP first, as on a fresh join). Track numbers never change; a new feed
     * gets the next number.
     */
    public void update(List<Feed> wanted, long nowUs) {
        for (Feed f : feeds) {
            if (!wanted.contains(f) && active.remove(f)) {
                f.unsubscribe(this);
                enqueueControl(new SessionEvent.Muted(feeds.indexOf(f), f.name()));
            }
        }
        for (Feed f : wanted) {
            if (!feeds.contains(f)) {
                feeds.add(f);
            }
            if (!active.contains(f)) {
                join(f, nowUs);
            }
        }
    }

    private void join(Feed f, long nowUs) {
        joinedUs.put(f, nowUs);
        active.add(f);
        f.subscribe(this, nowUs);
    }

    public void close() {
        for (Feed f : feeds) {
            active.remove(f);
            f.unsubscribe(this);
        }
        synchronized (this) {
            closed = true;
            queue.clear();
        }
    }

    /**
     * The next item to send. When a video track is left waiting for a keyframe, its feed
     * is asked for one (rate-limited by the feed; {@link #onFrame} asks again while the
     * track waits), outside this session's monitor since feeds call into sessions under
     * their own.
     */
    public QueueItem poll(long nowUs) {
        QueueItem item;
        java.util.Set<Integer> wanting;
        synchronized (this) {
            item = queue.poll(nowUs, inFlight);
            wanting = queue.keyframeWanted() ? queue.tracksWantingKeyframe() : java.util.Set.of();
        }
        for (int track : wanting) {
            feeds.get(track).requestKeyframe(nowUs);
        }
        return item;
    }

    /** The viewer's decoder needs a keyframe of this track (rate-limited by the feed). */
    public void requestKeyframe(int track, long nowUs) {
        if (track >= 0 && track < feeds.size()) {
            feeds.get(track).requestKeyframe(nowUs);
        }
    }

    /** False while the viewer acknowledges and its oldest unacknowledged frame is too old. */
    public synchronized boolean mayWrite(long nowUs) {
        return inFlight.mayWrite(nowUs);
    }

    /** The transport wrote this media frame (as {@link #poll} numbered it). */
    public synchronized void sent(QueueItem.Media m, long nowUs) {
        inFlight.sent(m.track(), m.seq(), m.frame().size(), nowUs);
    }

    /** The viewer acknowledged media frame (track, seq) and everything before it; seq as {@link #poll} numbered it. */
    public synchronized void ack(int track, long seq, long nowUs) {
        inFlight.ack(track, seq, nowUs);
    }

    public synchronized boolean keyframeWanted() {
        return queue.keyframeWanted();
    }

    public synchronized SessionStats stats() {
        return new SessionStats(id, target, queue.delivered(), queue.drops(), queue.mediaFrames(), queue.mediaBytes(),
                inFlight.acking(), inFlight.frames(), inFlight.bytes(), inFlight.rateBytesPerSecond(), inFlight.minRttUs());
    }

    @Override
    public void onTrack(Feed feed, TrackInfo track) {
        int number = trackOf(feed);
        SessionEvent e = new SessionEvent.TrackChanged(number, feed.name(), track);
        enqueue(() -> {
            queue.offerControl(e);
            if (track.kind() == io.kymux.core.media.MediaKind.VIDEO) {
                queue.awaitKeyframe(number); // a producer that starts mid-GOP: its deltas before a key do not decode
            }
            return true;
        });
    }

    private void enqueueControl(SessionEvent e) {
        enqueue(() -> {
            queue.offerControl(e);
            return true;
        });
    }

    @Override
    public void onFrame(Feed feed, Frame frame) {
        int track = trackOf(feed);
        boolean video = feed.isVideo();
        long receivedUs = frame.receivedUs();
        boolean wakeNow;
        boolean stillWaiting;
        long staleReplayJoinUs = -1;
        synchronized (this) {
            if (closed || !active.contains(feed)) {
                frame.release(); // muted between the feed's fan-out and our unsubscribe
                return;
            }
            boolean wasEmpty = queue.isEmpty();
            long joined = joinedUs.getOrDefault(feed, 0L);
            if (!frame.config() && receivedUs < joined) {
                // the cached GOP: without it the viewer sees nothing until the next keyframe
                queue.offerReplay(track, video, frame);
                wakeNow = wasEmpty;
                if (video && frame.key() && inFlight.acking() && joined - receivedUs > queue.limits().latencyBudgetUs()) {
                    staleReplayJoinUs = joined;
                }
            } else {
                long deadline = receivedUs + queue.limits().latencyBudgetUs();
                wakeNow = queue.offerMedia(track, video, frame, deadline) && wasEmpty;
            }
            stillWaiting = queue.waitingForKeyframe(track);
        }
        if (wakeNow) {
            wake.run();
        }
        if (staleReplayJoinUs >= 0) {
            // the replay reaches back past the budget: a fresh keyframe lets a paced viewer skip
            // what its link has not carried yet (it supersedes what is still queued; an unpaced
            // viewer gets the whole replay at once, so asking would only cost every viewer)
            feed.requestKeyframe(staleReplayJoinUs);
        }
        if (stillWaiting) {
            // ask again (the feed rate-limits): the first request may have been refused, or its
            // keyframe dropped on a busy link, and a dropped delta frame wakes no poll
            feed.requestKeyframe(receivedUs);
        }
    }

    @Override
    public void onSourceEnded(Feed feed) {
        enqueueControl(new SessionEvent.SourceEnded(trackOf(feed), feed.name()));
    }

    private interface Offer {
        boolean run();
    }

    /** Runs an offer under the monitor and wakes the transport if the queue was empty. */
    private boolean enqueue(Offer offer) {
        boolean wasEmpty;
        boolean result;
        synchronized (this) {
            if (closed) {
                return false;
            }
            wasEmpty = queue.isEmpty();
            result = offer.run();
        }
        if (wasEmpty && result) {
            wake.run();
        }
        return result;
    }

    private int trackOf(Feed feed) {
        int i = feeds.indexOf(feed);
        if (i < 0) {
            throw new IllegalArgumentException("not a feed of this session: " + feed.name());
        }
        return i;
    }

    /** A track of a session: its number, feed name and description if known. */
    public record TrackSlot(int track, String feed, Optional<TrackInfo> info) {
    }

    /**
     * Snapshot of a session's counters; the link's delivery rate (bytes/s) and round trip
     * (µs) as the viewer's acks show them, -1 while unknown.
     */
    public record SessionStats(long id, String target, long delivered, DropCounters drops, int queuedFrames,
                               long queuedBytes, boolean acking, int inFlightFrames, long inFlightBytes,
                               long linkBytesPerSecond, long minRttUs) {
    }

}
