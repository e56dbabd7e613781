package io.kymux.core.quic;

/**
 * Forward error correction of video frames: none, or one XOR parity fragment per group of
 * up to {@code group} data fragments, which recovers any one lost fragment of the group.
 * Overhead: 1/group of the datagrams (e.g. 10 % for groups of 10), plus one parity
 * fragment for any frame that fits in fewer.
 */
public record Fec(int group) {

    public static final Fec NONE = new Fec(0);
    public static final Fec XOR_10 = new Fec(10);

    public Fec {
        if (group < 0 || group > 255) {
            throw new IllegalArgumentException("FEC group must be 0 (off) to 255");
        }
    }

    public boolean enabled() {
        return group > 0;
    }

    /** The number of parity groups for {@code count} data fragments. */
    public int groups(int count) {
        return enabled() ? (count + group - 1) / group : 0;
    }
}
