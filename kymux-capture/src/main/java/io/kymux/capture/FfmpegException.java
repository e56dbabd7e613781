package io.kymux.capture;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** An FFmpeg call failed; the message carries FFmpeg's own error text. */
public final class FfmpegException extends RuntimeException {

    private final int code;

    public FfmpegException(String message) {
        this(message, 0);
    }

    public FfmpegException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** FFmpeg's negative error code, 0 when there is none. */
    public int code() {
        return code;
    }

    /** The reader of what was being written went away: a closed pipe or a reset connection. */
    public boolean readerGone() {
        return code == -32 || code == -104; // AVERROR(EPIPE), AVERROR(ECONNRESET) on Linux
    }

    /** Throws if {@code ret} is negative, naming the call that failed. */
    public static int check(int ret, String what) {
        if (ret < 0) {
            throw new FfmpegException(what + " failed: " + errorText(ret), ret);
        }
        return ret;
    }

    public static String errorText(int ret) {
        byte[] buf = new byte[256];
        av_strerror(ret, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + ret + ")";
    }
}
