package io.kymux.core.session;

/**
 * Which rendition of a set a viewer should be on, from its link's delivery-rate estimate,
 * with hysteresis so a noisy estimate does not flap between layers (LiveKit's and
 * mediasoup's layer choice works the same way):
 * <ul>
 *   <li>down at once when the estimate is below {@link #DOWN_BELOW} of the current layer's
 *       rate, to the highest layer whose rate the estimate carries (else the lowest), and
 *       down one layer at least when the viewer's queue had to drop frames as late (its
 *       link showed it cannot carry this layer, whatever the estimate says);</li>
 *   <li>up one layer only after the estimate has held at least {@link #UP_AT} times that
 *       layer's rate for {@link #UP_HOLD_US}.</li>
 * </ul>
 * Sans-I/O: the caller passes the layers' rates and {@code now}.
 */
public final class RenditionChooser {

    public static final double DOWN_BELOW = 0.9;
    public static final double UP_AT = 1.3;
    public static final long UP_HOLD_US = 2_000_000;

    /** Since when the estimate has carried the next layer up; -1 when it has not. */
    private long upSinceUs = -1;

    /**
     * The layer to be on.
     *
     * @param ratesDesc   the layers' rates, bits per second, highest first
     * @param current     the layer delivering now, or -1 when it is gone from the set
     * @param estimateBps the link's delivery rate, bits per second; negative while unknown
     * @param struggling  frames of the current layer were dropped as late since the last call
     */
    public int choose(long[] ratesDesc, int current, long estimateBps, boolean struggling, long nowUs) {
        if (ratesDesc.length == 0) {
            return -1;
        }
        if (estimateBps < 0) {
            upSinceUs = -1;
            return current < 0 ? 0 : current; // nothing known: stay (a new viewer starts on the top)
        }
        if (current < 0 || struggling || estimateBps < DOWN_BELOW * ratesDesc[current]) {
            upSinceUs = -1;
            int fits = ratesDesc.length - 1;
            for (int i = ratesDesc.length - 1; i >= 0 && ratesDesc[i] <= estimateBps; i--) {
                fits = i;
            }
            if (current < 0) {
                return fits;
            }
            int floor = struggling ? Math.min(current + 1, ratesDesc.length - 1) : current;
            return Math.max(fits, floor); // down, never up, on a drop
        }
        if (current > 0 && estimateBps >= UP_AT * ratesDesc[current - 1]) {
            if (upSinceUs < 0) {
                upSinceUs = nowUs;
            }
            if (nowUs - upSinceUs >= UP_HOLD_US) {
                upSinceUs = -1;
                return current - 1;
            }
            return current;
        }
        upSinceUs = -1;
        return current;
    }
}
