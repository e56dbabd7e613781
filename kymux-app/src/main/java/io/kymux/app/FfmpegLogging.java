package io.kymux.app;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg logs to stderr; keep it to real errors so stdout and the console stay readable. */
final class FfmpegLogging {

    private FfmpegLogging() {
    }

    static void quiet() {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }
}
