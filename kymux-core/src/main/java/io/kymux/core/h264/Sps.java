package io.kymux.core.h264;

/**
 * The parts of an H.264 sequence parameter set kymux needs: what to tell a decoder
 * (WebCodecs codec string) and the displayed picture size (after cropping).
 */
public record Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height) {

    /** RFC 6381 codec string, e.g. {@code avc1.42E01F} (profile, constraint byte, level). */
    public String codecString() {
        return String.format("avc1.%02X%02X%02X", profileIdc, constraintFlags, levelIdc);
    }
}
