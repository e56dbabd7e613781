package io.kymux.app;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * FFmpeg logs to stderr on its own. kymux turns each FFmpeg failure into its own one-line
 * message, so FFmpeg's log stays quiet unless KYMUX_DEBUG is set (then its errors show).
 */
final class FfmpegLogging {

    private FfmpegLogging() {
    }

    static void quiet() {
        avutil.av_log_set_level(System.getenv("KYMUX_DEBUG") != null ? avutil.AV_LOG_ERROR : avutil.AV_LOG_FATAL);
    }
}
