package io.kymux.core.ts;

/**
 * Whether a TS viewer is behind a link thinner than its stream, from what its pongs show:
 * only such a link is paced by its estimate, since a TS viewer cannot be sent a keyframe on
 * request and every false alarm costs it up to a GOP. Sans-I/O.
 *
 * <p>A link becomes thin when its delivery rate is under {@link #ENTER_FRACTION} of the
 * stream while something written half a budget before is still unread. The rate alone is
 * no evidence: a lone small write whose pong came late (a busy reader, a joining burst)
 * shows a link of a few kB/s, and paced by that a fast viewer got nothing but tables for
 * seconds. It stays thin until the rate shows the whole stream again: paced by its estimate
 * a thin link is seldom behind, and unpaced it fills its buffers.
 */
public final class ThinLink {

    /** Below this fraction of the stream's bitrate a link that is behind is thin. */
    public static final double ENTER_FRACTION = 0.8;

    private final long behindUs;
    private boolean thin;

    /** {@code budgetUs}: the latency budget; half of it unread is behind. */
    public ThinLink(long budgetUs) {
        this.behindUs = budgetUs / 2;
    }

    /**
     * Updates and answers the verdict. {@code rateBytesPerSecond} is the link's delivery rate
     * (≤ 0 while unknown or when the viewer does not ack), {@code streamBitsPerSecond} what the
     * viewer is sent, {@code oldestUnackedAgeUs} the age of the oldest write not yet acked.
     */
    public boolean update(long rateBytesPerSecond, double streamBitsPerSecond, long oldestUnackedAgeUs) {
        double bitsPerSecond = rateBytesPerSecond * 8.0;
        if (rateBytesPerSecond <= 0) {
            thin = false;
        } else if (thin) {
            thin = bitsPerSecond < streamBitsPerSecond;
        } else {
            thin = bitsPerSecond < ENTER_FRACTION * streamBitsPerSecond && oldestUnackedAgeUs > behindUs;
        }
        return thin;
    }

    public boolean thin() {
        return thin;
    }
}
