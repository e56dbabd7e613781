package io.kymux.core.h265;

/** What kymux reads from an H.265 SPS: the picture size and the codec string a browser asks about. */
public record HevcSps(int width, int height, String codecString) {
}
