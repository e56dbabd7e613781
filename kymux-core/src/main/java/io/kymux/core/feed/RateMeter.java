package io.kymux.core.feed;

/** Frames and bits per second over the last complete one-second window, driven by {@code now}. */
public final class RateMeter {

    private static final long WINDOW_US = 1_000_000;
    private long windowStartUs = Long.MIN_VALUE;
    private long frames;
    private long bytes;
    private double fps;
    private double bitrate;

    public void record(long nowUs, int size) {
        if (windowStartUs == Long.MIN_VALUE) {
            windowStartUs = nowUs;
        }
        long elapsed = nowUs - windowStartUs;
        if (elapsed >= WINDOW_US) {
            fps = frames * 1e6 / elapsed;
            bitrate = bytes * 8e6 / elapsed;
            frames = 0;
            bytes = 0;
            windowStartUs = nowUs;
        }
        frames++;
        bytes += size;
    }

    public double fps() {
        return fps;
    }

    public double bitrate() {
        return bitrate;
    }
}
