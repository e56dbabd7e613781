package io.kymux.core.session;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FrameSink;
import io.kymux.core.feed.Rendition;
import io.kymux.core.feed.RenditionSets;
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
 * <p>A track opened on a feed that has renditions ({@link RenditionSets}) follows the link:
 * every {@link #ADAPT_INTERVAL_US} a poll asks the track's {@link RenditionChooser} (or the
 * rendition pinned by {@link #pinRendition}) which one to be on. A switch subscribes to the
 * new rendition and asks it for a keyframe; the old one keeps delivering until that
 * keyframe, which then comes as a {@link SessionEvent.TrackChanged}, the new config and the
 * keyframe, in that order, so the viewer's decoder reconfigures on the same connection.
 *
 * <p>Transport-independent and sans-I/O apart from two hooks: {@code wake} is run when
 * the queue goes from empty to non-empty (the transport then schedules a drain on its own
 * thread), and {@code clock} stamps the join instant. Thread-safe by its own monitor.
 */
public final class Session implements FrameSink {

    /** How often a poll reconsiders the renditions of the tracks that have them. */
    public static final long ADAPT_INTERVAL_US = 100_000;
    /** After a switch, late drops do not count as the new layer's for this long. */
    public static final long SETTLE_US = 1_000_000;
    /** A rate-following viewer's quickest frames waiting this long at its link means the encoder is above it. */
    public static final long QUEUEING_US = 30_000;
    /** The share of a rate-following viewer's link its producer is asked to fill: room for audio and bursts. */
    public static final double RATE_SHARE = 0.85;
    /** Late drops or a standing queue this recent mean the producer sends more than the link carries. */
    public static final long OVER_WINDOW_US = 500_000;
    /** Late drops in two reconsiderations this close together say the link cannot carry the layer. */
    public static final long STRUGGLE_US = 1_000_000;

    private final long id;
    private final String target;
    /** Track number → its feeds; append-only, so numbers stay stable while a stream is re-posted. */
    private final List<TrackFeeds> tracks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The feeds currently delivering a track (muted tracks' are not here). */
    private final java.util.Set<Feed> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Per feed: frames received before this instant are the cached GOP (replay). */
    private final java.util.Map<Feed, Long> joinedUs = new java.util.concurrent.ConcurrentHashMap<>();
    /** Renditions switched away from, unsubscribed at the next poll (outside any feed's lock). */
    private final List<Feed> leaving = new ArrayList<>();
    private final SessionQueue queue;
    private final InFlight inFlight;
    private final Runnable wake;
    private volatile RenditionSets renditions = RenditionSets.NONE;
    private volatile java.util.function.LongSupplier linkEstimate;
    private volatile boolean followsRate;
    private long nextAdaptUs = Long.MIN_VALUE;
    /** The late drops counted at the last reconsideration: more since means the link struggles. */
    private long lateAtLastAdapt;
    private long lastLateAdaptUs = Long.MIN_VALUE / 4;
    private long lastQueueingAdaptUs = Long.MIN_VALUE / 4;
    private boolean closed;
    /** The latest instant a poll was given: what a stats snapshot without one is of. */
    private long lastNowUs;

    public Session(long id, String target, List<Feed> feeds, QueueLimits limits, Runnable wake) {
        this.id = id;
        this.target = target;
        for (Feed f : feeds) {
            tracks.add(new TrackFeeds(f));
        }
        this.queue = new SessionQueue(limits);
        // beyond a round trip, a third of the budget unacknowledged stops writing
        this.inFlight = new InFlight(limits.latencyBudgetUs() / 3);
        this.wake = wake;
    }

    /** Lets the tracks switch renditions; set before {@link #start}. */
    public Session adaptWith(RenditionSets sets) {
        this.renditions = sets;
        return this;
    }

    /**
     * This viewer controls the picture (the remote-desktop case): while it is its feeds' only
     * viewer, their producers are asked to encode at {@link #RATE_SHARE} of its link
     * ({@link Feed#followRate}), reconsidered with the renditions. Needs {@link #adaptWith}.
     */
    public Session followRate(boolean follow) {
        this.followsRate = follow;
        return this;
    }

    /**
     * The link's delivery rate in bits per second (negative while unknown) from the
     * transport's own congestion control, for transports that do not ack frames (QUIC's
     * cwnd/rtt). Without it the acks' estimate ({@link InFlight}) is used.
     */
    public Session estimateLinkWith(java.util.function.LongSupplier bitsPerSecond) {
        this.linkEstimate = bitsPerSecond;
        return this;
    }

    public long id() {
        return id;
    }

    public String target() {
        return target;
    }

    /** Track number → the feed delivering it, and its current description where known. */
    public List<TrackSlot> tracks() {
        List<TrackSlot> out = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            Feed f = tracks.get(i).current;
            out.add(new TrackSlot(i, f.name(), f.track()));
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
        for (TrackFeeds t : tracks) {
            join(t.current, nowUs);
        }
    }

    /**
     * The stream was re-posted with this feed list: feeds no longer listed are muted (the
     * viewer gets a {@link SessionEvent.Muted}), listed ones are joined or unmuted (config
     * and cached GOP first, as on a fresh join). Track numbers never change; a new feed
     * gets the next number.
     */
    public void update(List<Feed> wanted, long nowUs) {
        for (int i = 0; i < tracks.size(); i++) {
            TrackFeeds t = tracks.get(i);
            Feed current = t.current;
            if (!wanted.contains(t.base) && active.remove(current)) {
                current.unsubscribe(this);
                Feed pending;
                synchronized (this) {
                    pending = t.cancelPending();
                }
                if (pending != null) {
                    pending.unsubscribe(this);
                }
                enqueueControl(new SessionEvent.Muted(i, current.name()));
            }
        }
        for (Feed f : wanted) {
            TrackFeeds t = tracks.stream().filter(x -> x.base == f).findFirst().orElse(null);
            if (t == null) {
                t = new TrackFeeds(f);
                tracks.add(t);
            }
            if (!active.contains(t.current)) {
                join(t.current, nowUs);
            }
        }
    }

    private void join(Feed f, long nowUs) {
        joinedUs.put(f, nowUs);
        active.add(f);
        f.subscribe(this, nowUs);
    }

    public void close() {
        List<Feed> subscribed = new ArrayList<>();
        synchronized (this) {
            closed = true;
            queue.clear();
            for (TrackFeeds t : tracks) {
                subscribed.add(t.current);
                Feed p = t.cancelPending();
                if (p != null) {
                    subscribed.add(p);
                }
            }
            subscribed.addAll(leaving);
            leaving.clear();
        }
        for (Feed f : subscribed) {
            active.remove(f);
            f.unsubscribe(this);
        }
    }

    /**
     * The next item to send. When a video track is left waiting for a keyframe, its feed
     * is asked for one (rate-limited by the feed; {@link #onFrame} asks again while the
     * track waits), outside this session's monitor since feeds call into sessions under
     * their own. Tracks with renditions are reconsidered here too (see the class comment).
     */
    public QueueItem poll(long nowUs) {
        QueueItem item;
        java.util.Set<Integer> wanting;
        synchronized (this) {
            lastNowUs = nowUs;
            item = queue.poll(nowUs, inFlight);
            wanting = queue.keyframeWanted() ? queue.tracksWantingKeyframe() : java.util.Set.of();
            if (followsRate && queue.drops().late() > lateAtLastAdapt) {
                // a link that just fell behind: its producer is asked for less now, not at the next tick
                nextAdaptUs = Math.min(nextAdaptUs, nowUs);
            }
        }
        List<List<Rendition>> sets = renditionsDue(nowUs);
        List<Runnable> feedCalls = new ArrayList<>(0);
        synchronized (this) {
            if (sets != null && !closed) {
                adapt(sets, nowUs, feedCalls);
            }
            for (Feed f : leaving) {
                feedCalls.add(() -> f.unsubscribe(this));
            }
            leaving.clear();
        }
        // a lower rate before the keyframe: the producer encodes that keyframe at it, sized for the link
        feedCalls.forEach(Runnable::run);
        for (int track : wanting) {
            tracks.get(track).current.requestKeyframe(nowUs);
        }
        return item;
    }

    /** The tracks' rendition sets when a reconsideration is due (read outside the monitor), else null. */
    private List<List<Rendition>> renditionsDue(long nowUs) {
        RenditionSets sets = renditions;
        if (sets == RenditionSets.NONE) {
            return null;
        }
        synchronized (this) {
            if (nowUs < nextAdaptUs) {
                return null;
            }
            nextAdaptUs = nowUs + ADAPT_INTERVAL_US;
        }
        List<List<Rendition>> out = new ArrayList<>(tracks.size());
        for (TrackFeeds t : tracks) {
            out.add(t.base.isVideo() ? sets.of(t.base) : List.of());
        }
        return out;
    }

    /** Under the monitor: starts, redirects or cancels switches; the feed calls go to {@code feedCalls}. */
    private void adapt(List<List<Rendition>> sets, long nowUs, List<Runnable> feedCalls) {
        long estimate = linkBitsPerSecond(nowUs);
        long late = queue.drops().late();
        // late drops twice within STRUGGLE_US: one alone may be a keyframe's burst misjudged
        boolean lateNow = late > lateAtLastAdapt;
        boolean struggling = lateNow && nowUs - lastLateAdaptUs <= STRUGGLE_US;
        lateAtLastAdapt = late;
        if (lateNow) {
            lastLateAdaptUs = nowUs;
        }
        if (struggling) {
            inFlight.forgetCapacity();
        }
        if (inFlight.takeQueueingUs(nowUs) > QUEUEING_US) {
            lastQueueingAdaptUs = nowUs;
        }
        for (int i = 0; i < sets.size(); i++) {
            TrackFeeds t = tracks.get(i);
            List<Rendition> set = sets.get(i);
            if (followsRate && estimate > 0 && !set.isEmpty() && active.contains(t.current)) { // a video track
                Feed f = t.current;
                // late drops: the encoder is above what the link carries, which is what the
                // latest span of acks shows (the estimate remembers more). A standing queue alone
                // is a milder sign: the feed backs off by its step, not to that span (an
                // app-limited span reads low, and halving a fast link's picture for it is a loss)
                boolean lateRecently = nowUs - lastLateAdaptUs <= OVER_WINDOW_US;
                boolean over = lateRecently || nowUs - lastQueueingAdaptUs <= OVER_WINDOW_US;
                long carried = inFlight.latestRateBytesPerSecond() * 8;
                long target = (long) ((lateRecently && carried > 0 ? Math.min(estimate, carried) : estimate) * RATE_SHARE);
                feedCalls.add(() -> f.followRate(target, over, nowUs));
            }
            if (set.size() < 2 || !active.contains(t.current)) {
                continue;
            }
            // late drops just after a switch are still the old layer's or its backlog's
            boolean settled = t.pending == null && nowUs - t.switchedAtUs >= SETTLE_US;
            Feed wanted = t.choose(set, estimate, struggling && settled, nowUs);
            t.chosenAtBitsPerSecond = estimate;
            if (wanted == t.current) {
                Feed cancelled = t.cancelPending();
                if (cancelled != null) {
                    feedCalls.add(() -> cancelled.unsubscribe(this));
                }
            } else if (wanted != t.pending) {
                Feed cancelled = t.cancelPending();
                if (cancelled != null) {
                    feedCalls.add(() -> cancelled.unsubscribe(this));
                }
                t.pending = wanted;
                joinedUs.put(wanted, nowUs); // its cached GOP is older than what this track shows
                feedCalls.add(() -> subscribePending(t, wanted, nowUs));
            } else {
                feedCalls.add(() -> wanted.requestKeyframe(nowUs)); // the feed rate-limits
            }
        }
    }

    private void subscribePending(TrackFeeds t, Feed f, long nowUs) {
        f.subscribe(this, nowUs);
        f.requestKeyframe(nowUs);
        boolean stale;
        synchronized (this) {
            stale = closed || (t.pending != f && t.current != f);
        }
        if (stale) {
            f.unsubscribe(this); // cancelled while subscribing
        }
    }

    /**
     * Pins a track to the rendition of this feed name (null: back to following the link).
     * Takes effect at the next poll; a name not in the set is ignored until it is.
     */
    public void pinRendition(int track, String feedName) {
        synchronized (this) {
            if (track < 0 || track >= tracks.size()) {
                throw new IllegalArgumentException("no track " + track);
            }
            tracks.get(track).pinned = feedName;
            nextAdaptUs = Long.MIN_VALUE;
        }
        wake.run();
    }

    /** What the link could carry, bits per second; negative while unknown. */
    private long linkBitsPerSecond(long nowUs) {
        java.util.function.LongSupplier own = linkEstimate;
        if (own != null) {
            return own.getAsLong();
        }
        long bytes = inFlight.acking() ? inFlight.capacityBytesPerSecond(nowUs) : -1;
        return bytes < 0 ? -1 : bytes * 8;
    }

    /** The viewer's decoder needs a keyframe of this track (rate-limited by the feed). */
    public void requestKeyframe(int track, long nowUs) {
        if (track >= 0 && track < tracks.size()) {
            tracks.get(track).current.requestKeyframe(nowUs);
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
        return stats(lastNowUs);
    }

    public synchronized SessionStats stats(long nowUs) {
        List<RenditionState> states = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            TrackFeeds t = tracks.get(i);
            if (t.current != t.base || t.pending != null || t.switches > 0 || t.pinned != null) {
                states.add(new RenditionState(i, t.current.name(), t.pending == null ? null : t.pending.name(),
                        t.switches, t.pinned));
            }
        }
        return new SessionStats(id, target, queue.delivered(), queue.drops(), queue.mediaFrames(), queue.mediaBytes(),
                inFlight.acking(), inFlight.frames(), inFlight.bytes(), inFlight.rateBytesPerSecond(), inFlight.minRttUs(),
                linkBitsPerSecond(nowUs), List.copyOf(states));
    }

    @Override
    public void onTrack(Feed feed, TrackInfo track) {
        trackEvent(feed, t -> t.pendingInfo = track, number -> { // a pending rendition's is told with its keyframe
            queue.offerControl(new SessionEvent.TrackChanged(number, feed.name(), track));
            if (track.kind() == io.kymux.core.media.MediaKind.VIDEO) {
                queue.awaitKeyframe(number); // a producer that starts mid-GOP: its deltas before a key do not decode
            }
            return true;
        });
    }

    /**
     * An event of a feed, under the monitor: for the feed delivering a track, {@code ofCurrent}
     * with the track's number (true if it queued something); for the rendition a track is
     * switching to, {@code ofPending}; for neither (a rendition left), nothing.
     */
    private void trackEvent(Feed feed, java.util.function.Consumer<TrackFeeds> ofPending,
                            java.util.function.IntPredicate ofCurrent) {
        enqueue(() -> {
            int number = delivering(feed);
            if (number < 0) {
                return false;
            }
            TrackFeeds t = tracks.get(number);
            if (t.pending == feed) {
                ofPending.accept(t);
                return false;
            }
            return ofCurrent.test(number);
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
        boolean video = feed.isVideo();
        long receivedUs = frame.receivedUs();
        boolean wakeNow;
        boolean stillWaiting;
        long staleReplayJoinUs = -1;
        synchronized (this) {
            int track = closed ? -1 : delivering(feed);
            if (track < 0) {
                frame.release(); // a rendition left, or muted between the feed's fan-out and our unsubscribe
                return;
            }
            boolean wasEmpty = queue.isEmpty();
            TrackFeeds t = tracks.get(track);
            long joined = joinedUs.getOrDefault(feed, 0L);
            if (t.pending == feed) {
                wakeNow = offerPending(track, t, frame, joined) && wasEmpty;
                stillWaiting = false;
            } else if (!active.contains(feed)) {
                frame.release();
                return;
            } else if (!frame.config() && receivedUs < joined) {
                // the cached GOP: without it the viewer sees nothing until the next keyframe
                queue.offerReplay(track, video, frame);
                wakeNow = wasEmpty;
                if (video && frame.key() && inFlight.acking() && joined - receivedUs > queue.limits().latencyBudgetUs()) {
                    staleReplayJoinUs = joined;
                }
                stillWaiting = queue.waitingForKeyframe(track);
            } else {
                long deadline = receivedUs + queue.limits().latencyBudgetUs();
                wakeNow = queue.offerMedia(track, video, frame, deadline) && wasEmpty;
                stillWaiting = queue.waitingForKeyframe(track);
            }
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

    /**
     * A frame of the rendition a track switches to: its config is kept, anything before its
     * first live keyframe dropped, and at that keyframe the track switches (description,
     * config, keyframe; the keyframe supersedes what is queued of the old rendition).
     */
    private boolean offerPending(int track, TrackFeeds t, Frame frame, long joinedUs) {
        if (frame.config()) {
            if (t.pendingConfig != null) {
                t.pendingConfig.release();
            }
            t.pendingConfig = frame;
            return false;
        }
        if (!frame.key() || frame.receivedUs() < joinedUs || t.pendingInfo == null) {
            frame.release();
            return false;
        }
        Feed old = t.current;
        Feed next = t.pending;
        TrackInfo info = t.pendingInfo;
        Frame config = t.pendingConfig;
        t.pending = null;
        t.pendingInfo = null;
        t.pendingConfig = null;
        t.current = next;
        t.switches++;
        t.switchedAtUs = frame.receivedUs();
        active.remove(old);
        active.add(next);
        leaving.add(old);
        long deadline = frame.receivedUs() + queue.limits().latencyBudgetUs();
        queue.offerControl(new SessionEvent.TrackChanged(track, next.name(), info, t.chosenAtBitsPerSecond));
        if (config != null) {
            queue.offerMedia(track, true, config, deadline);
        }
        queue.offerMedia(track, true, frame, deadline);
        return true;
    }

    @Override
    public void onSourceEnded(Feed feed) {
        trackEvent(feed, t -> leaving.add(t.cancelPending()), number -> { // a pending one is reconsidered at the next poll
            queue.offerControl(new SessionEvent.SourceEnded(number, feed.name()));
            return true;
        });
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

    /** The track this feed delivers or is about to; -1 if none (a rendition switched away from). */
    private int delivering(Feed feed) {
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).delivers(feed)) {
                return i;
            }
        }
        return -1;
    }

    /** A track of a session: its number, feed name and description if known. */
    public record TrackSlot(int track, String feed, Optional<TrackInfo> info) {
    }

    /**
     * A track that has renditions: the one delivering, the one it is switching to (null if
     * none), how many switches so far, and the rendition pinned (null: following the link).
     */
    public record RenditionState(int track, String feed, String switchingTo, long switches, String pinned) {
    }

    /**
     * Snapshot of a session's counters; the link's delivery rate (bytes/s) and round trip
     * (µs) as the viewer's acks show them, -1 while unknown; the estimate the renditions
     * follow (bits/s, the transport's own where it has one).
     */
    public record SessionStats(long id, String target, long delivered, DropCounters drops, int queuedFrames,
                               long queuedBytes, boolean acking, int inFlightFrames, long inFlightBytes,
                               long linkBytesPerSecond, long minRttUs, long linkEstimateBitsPerSecond,
                               List<RenditionState> renditions) {
    }

}
