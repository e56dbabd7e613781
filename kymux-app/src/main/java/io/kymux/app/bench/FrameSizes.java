package io.kymux.app.bench;

/**
 * The frame sizes of a synthetic stream at a bitrate, frame rate and GOP: keyframes 4x the
 * average frame, delta frames the rest of the GOP's bytes.
 */
record FrameSizes(int key, int delta) {

    static FrameSizes of(long bitrate, int fps, int gop) {
        int avg = (int) Math.max(64, bitrate / 8 / fps);
        int key = gop > 1 ? 4 * avg : avg;
        int delta = gop > 1 ? Math.max(32, (avg * gop - key) / (gop - 1)) : avg;
        return new FrameSizes(key, delta);
    }
}
