package io.kymux.core.h264;

/** The nal_unit_type values kymux looks at (ITU-T H.264 table 7-1). */
public final class NalType {
    public static final int NON_IDR_SLICE = 1;
    public static final int IDR_SLICE = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;

    private NalType() {
    }
}
