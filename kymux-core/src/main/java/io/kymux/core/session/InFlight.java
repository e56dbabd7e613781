package io.kymux.core.session;

import java.util.ArrayDeque;

/**
 * What a session has written but its viewer has not acknowledged yet, and what the acks
 * say about the viewer's link. Written frames can no longer be dropped, so a viewer behind
 * a thin link must not get a frame that would arrive after its deadline (RTWebSocket's
 * transmission deadlines, seed 003). From the acks this keeps, as BBR does, the
 * bottleneck's delivery rate (windowed max of rate samples: over the span from the write to
 * the ack, over the acks since the first one the frame was in flight at, and the rate at
 * which each ack's frames crossed the link at the least) and the path's round trip
 * (windowed min of ack delays less the frame's time on the wire, from frames written to an
 * idle link). {@link #arrivalUs} predicts when a frame written now would be through the
 * bottleneck, and {@link SessionQueue#poll(long, DeliveryEstimate)} drops the frames
 * predicted late.
 * {@link #mayWrite} is the backstop for a link that stops acking: no writing while the
 * oldest unacknowledged frame is older than the smallest ack delay plus {@code maxAgeUs}.
 *
 * <p>The prediction is the frame's last byte through the bottleneck, not at the viewer: the
 * budget bounds a frame's wait in queues and on the wire, and the path's propagation is
 * no policy's to spend (a path longer than the budget still gets every frame its link
 * carries).
 *
 * <p>Only viewers that acknowledge are paced: until the first ack (an ack of nothing counts,
 * so a viewer can say at once that it will ack) writing is always allowed, so players that
 * do not ack keep working. From then until a written frame is acknowledged, one frame at a
 * time is in flight. That first ack, a lone keyframe's, cannot tell a thin link from a long
 * path, so two frames at a time are in flight and nothing is predicted until the acks
 * of frames in flight together show the rate, or for {@link #LEARN_US} of acks at most
 * (a fast viewer acks each frame before the next). Sans-I/O, bounded.
 */
public final class InFlight implements DeliveryEstimate {

    /** Entries kept at most; past it the oldest are forgotten (an ack then matches less). */
    static final int MAX_ENTRIES = 4096;
    /** A rate sample over less than this is one read batch, not the link: ignored. */
    static final long MIN_SAMPLE_US = 10_000;
    /** The shortest time the floor rate divides by: a tiny frame acked at once says little. */
    static final long FLOOR_INTERVAL_US = 1_000;
    /** How long a delivery-rate sample counts: a slower link shows within this. */
    static final long RATE_WINDOW_US = 1_000_000;
    /**
     * Acks for this long at most before predicting, when no span of acks has shown the rate: a
     * viewer that acks every frame before the next is written shows only what it was sent.
     */
    static final long LEARN_US = 1_000_000;
    /** How long a round-trip sample counts (BBR's 10 s). */
    static final long RTT_WINDOW_US = 10_000_000;
    /** How long a capacity sample counts: a little over a 2 s GOP, whose keyframe makes the next one. */
    static final long CAPACITY_WINDOW_US = 2_500_000;
    /** An instant long before any other, whose distance to now cannot overflow. */
    private static final long NEVER = Long.MIN_VALUE / 4;

    /**
     * A written frame, with the acknowledged byte count and its instant at the write, from
     * which its ack makes a rate sample.
     */
    private record Sent(int track, long seq, int bytes, long sentUs, long deliveredAtSend, long deliveredUsAtSend,
                        long predictedQueueUs, boolean toIdleLink) {
    }

    /** A lone frame written to an idle link: its size and ack delay. */
    private record Lone(int bytes, long ackDelayUs, long atUs) {
    }

    /** An ack: when, the bytes acknowledged by then, and when the frame it acknowledged was written. */
    private record Ack(long atUs, long delivered, long frameSentUs) {
    }

    private final long maxAgeUs;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private final WindowedExtreme rate = WindowedExtreme.max(RATE_WINDOW_US);
    /** Write to ack, as measured: the backstop's allowance. */
    private final WindowedExtreme ackDelay = WindowedExtreme.min(RTT_WINDOW_US);
    /** The round trip without the frame's time on the wire, once the rate is learnt. */
    private final WindowedExtreme pathRtt = WindowedExtreme.min(RTT_WINDOW_US);
    private long bytes;
    private boolean acking;
    /** The first ack of a written frame; -1 before it. */
    private long firstAckUs = -1;
    /** Bytes acknowledged so far, and when that count last moved (or the pipe woke up). */
    private long delivered;
    private long deliveredUs;
    /**
     * The bytes written so far still queued at the bottleneck as of {@code linkQueuedUs},
     * draining at the estimated rate (the current one: a rate learnt late drains it faster).
     */
    private long linkQueued;
    private long linkQueuedUs;
    /**
     * Recent acks of written frames, oldest first: the earliest one a frame was in flight at
     * starts its span sample. Those before the last acknowledged frame's write are dropped
     * (no later frame was in flight at them), all but the newest.
     */
    private final ArrayDeque<Ack> acks = new ArrayDeque<>();
    /** A span of frames in flight together gave a rate sample: see {@link #learnt}. */
    private boolean rateProven;
    /** The quickest lone frame of the last {@link #RTT_WINDOW_US}: the round trip, nearly. */
    private Lone quickest;
    /** What the link could carry, from a larger lone frame's extra delay over the quickest. */
    private final WindowedExtreme capacity = WindowedExtreme.max(CAPACITY_WINDOW_US);
    /**
     * The rate samples over spans of acks only, without the per-frame floor: a link with a
     * burst allowance (a token bucket, an HTB class) carries a small frame at wire speed, and
     * the floor then reads many times what the link sustains.
     */
    private final WindowedExtreme sustained = WindowedExtreme.max(RATE_WINDOW_US);
    /** The latest of those samples: what the link carried just now. */
    private long latestSustained = -1;
    private long capacityAtUs = NEVER;
    /** The smallest ack delay since {@link #takeQueueingUs} was last called; -1 if no ack. */
    private long minAckDelaySinceTakeUs = -1;

    public InFlight(long maxAgeUs) {
        this.maxAgeUs = maxAgeUs;
    }

    public void sent(int track, long seq, int size, long nowUs) {
        if (sent.isEmpty()) {
            // an idle pipe: the next sample measures from now, not from the last ack
            deliveredUs = nowUs;
        }
        if (sent.size() >= MAX_ENTRIES) {
            bytes -= sent.poll().bytes();
        }
        long bytesPerSecond = acking ? linkRate(nowUs) : -1;
        long queuedUs = 0;
        if (bytesPerSecond > 0) {
            long queued = linkQueuedAt(nowUs);
            queuedUs = queued * 1_000_000 / bytesPerSecond;
            linkQueued = queued + size;
            linkQueuedUs = nowUs;
        }
        sent.add(new Sent(track, seq, size, nowUs, delivered, deliveredUs, queuedUs, sent.isEmpty()));
        bytes += size;
    }

    /** The viewer received everything up to and including media frame (track, seq). */
    public void ack(int track, long seq, long nowUs) {
        acking = true; // an ack of nothing (track -1) says the viewer will ack
        if (!isSent(track, seq)) {
            return;
        }
        if (firstAckUs < 0) {
            firstAckUs = nowUs;
        }
        long oldestSentUs = sent.peekFirst().sentUs();
        long ackedBytes = 0;
        Sent s;
        do {
            s = sent.poll();
            bytes -= s.bytes();
            ackedBytes += s.bytes();
        } while (s.track() != track || s.seq() != seq);
        delivered += ackedBytes;
        // a floor that holds on any link: these bytes crossed it within this time. It shows a
        // fast link as fast even when the stream never fills it (rate samples would not).
        rate.add(ackedBytes * 1_000_000 / Math.max(FLOOR_INTERVAL_US, nowUs - oldestSentUs), nowUs);
        long intervalUs = nowUs - s.deliveredUsAtSend();
        if (intervalUs >= MIN_SAMPLE_US) {
            long sample = (delivered - s.deliveredAtSend()) * 1_000_000 / intervalUs;
            rate.add(sample, nowUs);
            sustained.add(sample, nowUs);
            latestSustained = sample;
        }
        Ack from = spanStart(s.sentUs());
        if (from != null) {
            // since the first ack this frame was in flight at (else the last ack): the frames
            // acknowledged since were all in flight then, so on a FIFO link they crossed it one
            // after another, and this leaves out the round trip the sample above spans. An ack
            // that came late makes the next span short: measured from the first ack in flight,
            // not ack against ack, that error is spread over every frame in flight together
            // (the windowed max keeps the largest sample). Bounded by the write span, so acks
            // bunched by a busy reader cannot show more than was sent. A frame in flight at an
            // earlier ack shared the link with it: the rate is proven
            long spanUs = Math.max(nowUs - from.atUs(), s.sentUs() - from.frameSentUs());
            if (spanUs >= MIN_SAMPLE_US) {
                long sample = (delivered - from.delivered()) * 1_000_000 / spanUs;
                rate.add(sample, nowUs);
                sustained.add(sample, nowUs);
                latestSustained = sample;
                rateProven |= s.sentUs() < from.atUs();
            }
        }
        if (acks.size() >= MAX_ENTRIES) {
            acks.poll();
        }
        acks.add(new Ack(nowUs, delivered, s.sentUs()));
        deliveredUs = nowUs;
        long ackDelayUs = nowUs - s.sentUs();
        ackDelay.add(ackDelayUs, nowUs);
        minAckDelaySinceTakeUs = minAckDelaySinceTakeUs < 0 ? ackDelayUs : Math.min(minAckDelaySinceTakeUs, ackDelayUs);
        if (s.toIdleLink() && ackedBytes == s.bytes()) {
            sampleCapacity(s.bytes(), ackDelayUs, nowUs);
        }
        if (nowUs - firstAckUs >= LEARN_US / 2) { // set above: a frame was acknowledged
            // the path alone: a frame is not a packet, its own time on the wire is not path
            // (else a viewer shown only keyframes would seem to sit behind a long path). A
            // frame predicted to wait behind others gives none: the wait is predicted at a
            // rate that may be low, and a path too short is held for the whole window. No
            // sample either when the rate this ack shows accounts for all of the delay (a
            // lone keyframe's, on a thin link or a long path alike)
            long pathUs = ackDelayUs - wireUs(s.bytes(), nowUs);
            if (pathUs > 0 && s.predictedQueueUs() == 0) {
                pathRtt.add(pathUs, nowUs);
            }
            correctLinkQueue(s, nowUs);
        }
    }

    /**
     * Packet-pair style: a lone frame much larger than the quickest one took longer by its
     * extra bytes' time on the bottleneck, whatever the round trip. This shows what the link
     * could carry while the stream is smaller than it (a viewer on a low rendition), which
     * the delivery rate cannot: that is only what was sent.
     */
    private void sampleCapacity(int bytes, long ackDelayUs, long nowUs) {
        if (quickest == null || ackDelayUs <= quickest.ackDelayUs() || nowUs - quickest.atUs() > RTT_WINDOW_US) {
            quickest = new Lone(bytes, ackDelayUs, nowUs);
            return;
        }
        if (bytes >= 2 * quickest.bytes()) {
            long extraUs = Math.max(FLOOR_INTERVAL_US, ackDelayUs - quickest.ackDelayUs());
            capacity.add((bytes - quickest.bytes()) * 1_000_000L / extraUs, nowUs);
            capacityAtUs = nowUs;
        }
    }

    /**
     * How long even the quickest frame acked since the last call waited beyond the path's
     * round trip, µs: a standing queue at the bottleneck (one large frame's own wait does not
     * show, the frames around it do not wait); -1 without acks or a round trip. Then starts again.
     */
    public long takeQueueingUs(long nowUs) {
        long min = minAckDelaySinceTakeUs;
        minAckDelaySinceTakeUs = -1;
        long path = pathRtt.get(nowUs);
        return min < 0 || path < 0 ? -1 : Math.max(0, min - path);
    }

    /**
     * The latest rate over a span of acks, bytes per second; -1 before one. On a saturated
     * link this is what it carries now, while the windowed estimates still remember more.
     */
    public long latestRateBytesPerSecond() {
        return latestSustained;
    }

    /** The link dropped frames as late: what it could carry before is no longer so. */
    public void forgetCapacity() {
        capacityAtUs = NEVER;
        capacity.clear();
    }

    /**
     * What the link could sustain, bytes per second, for choosing what to send it: the rate
     * over spans of acks, or more where a recent capacity sample shows more; -1 before either.
     */
    public long capacityBytesPerSecond(long nowUs) {
        return withCapacity(sustained.get(nowUs), nowUs);
    }

    /**
     * The rate the link drains at: the delivery rate, or a recent capacity sample where it is
     * more (a stream smaller than its link shows only itself in the delivery rate, and a
     * keyframe predicted at that rate would seem late).
     */
    private long linkRate(long nowUs) {
        return withCapacity(rate.get(nowUs), nowUs);
    }

    /** {@code bytesPerSecond}, or a capacity sample of the last {@link #CAPACITY_WINDOW_US} where it is more. */
    private long withCapacity(long bytesPerSecond, long nowUs) {
        return nowUs - capacityAtUs <= CAPACITY_WINDOW_US ? Math.max(bytesPerSecond, capacity.get(nowUs)) : bytesPerSecond;
    }

    /**
     * The earliest ack after a write at {@code sentUs}, else the last ack; null before the
     * first. Acks before it are dropped: every frame acknowledged later was written later.
     */
    private Ack spanStart(long sentUs) {
        while (acks.size() > 1 && acks.peekFirst().atUs() <= sentUs) {
            acks.poll();
        }
        return acks.peekFirst();
    }

    private long wireUs(int size, long nowUs) {
        long bytesPerSecond = linkRate(nowUs);
        return bytesPerSecond > 0 ? size * 1_000_000L / bytesPerSecond : 0;
    }

    /**
     * The link clock drains at the delivery rate, which understates a link the stream does
     * not fill (the rate is what was sent); there it would keep a backlog that is not there.
     * The ack tells how long the frame really queued (its ack delay beyond the path and its
     * own time on the wire): a predicted queue longer than that is taken off.
     */
    private void correctLinkQueue(Sent s, long nowUs) {
        long observedQueueUs = Math.max(0, nowUs - s.sentUs() - pathRtt.get(nowUs) - wireUs(s.bytes(), nowUs));
        long excessUs = s.predictedQueueUs() - observedQueueUs;
        long bytesPerSecond = linkRate(nowUs);
        if (excessUs > 0 && bytesPerSecond > 0) {
            linkQueued = Math.max(0, linkQueuedAt(nowUs) - excessUs * bytesPerSecond / 1_000_000);
            linkQueuedUs = nowUs;
        }
    }

    private boolean isSent(int track, long seq) {
        for (Sent s : sent) {
            if (s.track() == track && s.seq() == seq) {
                return true;
            }
        }
        return false;
    }

    public boolean mayWrite(long nowUs) {
        if (!acking || sent.isEmpty()) {
            return true;
        }
        if (firstAckUs < 0) {
            // nothing known of the link yet: one frame at a time until the first ack, so a
            // joining viewer's cached GOP waits in the queue, where a fresh keyframe can
            // replace it, instead of in kernel buffers in front of a thin link
            return false;
        }
        if (!learnt(nowUs) && sent.size() >= 2) {
            return false;
        }
        return oldestAgeUs(nowUs) <= maxAgeUs + Math.max(0, ackDelay.get(nowUs));
    }

    /**
     * When the last byte of {@code size} bytes written now would be through the bottleneck:
     * the bytes queued there drain first. Two views of that queue, the larger wins: the
     * writes so far drained at the delivery rate (what a link busy with a keyframe still
     * has to do), and the unacknowledged bytes beyond a round trip's worth, which is still
     * propagating (a backlog written before the rate was known). Without acks, a rate or
     * {@link #LEARN_US} of acks yet: now.
     */
    @Override
    public long arrivalUs(long nowUs, int size) {
        long bytesPerSecond = linkRate(nowUs);
        if (!acking || !learnt(nowUs) || bytesPerSecond <= 0) {
            return nowUs;
        }
        long pathUs = pathRtt.get(nowUs);
        if (pathUs < 0) {
            pathUs = Math.max(0, ackDelay.get(nowUs)); // no path sample yet: this bounds it
        }
        long propagating = bytesPerSecond * pathUs / 1_000_000;
        long queued = Math.max(linkQueuedAt(nowUs), bytes - propagating);
        return nowUs + (Math.max(0, queued) + size) * 1_000_000 / bytesPerSecond;
    }

    /** A rate from frames in flight together, or {@link #LEARN_US} of acks. */
    private boolean learnt(long nowUs) {
        return rateProven || (firstAckUs >= 0 && nowUs - firstAckUs >= LEARN_US);
    }

    private long linkQueuedAt(long nowUs) {
        long bytesPerSecond = linkRate(nowUs);
        if (linkQueued <= 0 || bytesPerSecond <= 0) {
            return 0; // the link clock runs only once a rate is known
        }
        long drainUs = linkQueued * 1_000_000 / bytesPerSecond;
        long elapsedUs = nowUs - linkQueuedUs;
        // compared in time first: elapsed × rate overflows after a long idle spell
        long left = elapsedUs >= drainUs ? 0 : linkQueued - elapsedUs * bytesPerSecond / 1_000_000;
        return Math.min(left, bytes); // what is queued there is unacknowledged
    }

    /** The delivery rate the acks last showed, bytes per second; -1 before the first sample. */
    public long rateBytesPerSecond() {
        return rate.peek();
    }

    /**
     * The path's round trip (smallest recent ack delay less wire time, from frames written to
     * an idle link), µs; -1 until such a frame was acknowledged.
     */
    public long minRttUs() {
        return pathRtt.peek();
    }

    public boolean acking() {
        return acking;
    }

    public long bytes() {
        return bytes;
    }

    public int frames() {
        return sent.size();
    }

    /** Age of the oldest unacknowledged frame, 0 if none. */
    public long oldestAgeUs(long nowUs) {
        return sent.isEmpty() ? 0 : nowUs - sent.peekFirst().sentUs();
    }
}
