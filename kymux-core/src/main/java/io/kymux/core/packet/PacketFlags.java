package io.kymux.core.packet;

/**
 * The two flag bits in the top of the 8-byte PTS field (the seed's and scrcpy v1-v3's
 * layout; scrcpy v4 moved them, kymux does not follow).
 */
public final class PacketFlags {
    /** Bit 63: the payload is codec configuration (SPS/PPS, OpusHead). */
    public static final long CONFIG = 1L << 63;
    /** Bit 62: the payload is a keyframe (decodable without earlier frames). */
    public static final long KEY = 1L << 62;
    /** The 62 low bits hold the PTS in microseconds. */
    public static final long PTS_MASK = KEY - 1;

    private PacketFlags() {
    }

    public static long encode(long ptsUs, boolean config, boolean key) {
        long v = ptsUs & PTS_MASK;
        if (config) {
            v |= CONFIG;
        }
        if (key) {
            v |= KEY;
        }
        return v;
    }
}
