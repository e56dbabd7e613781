package io.kymux.capture;

/**
 * How to encode. Video: {@code width}x{@code height} at {@code fps} with a keyframe every
 * {@code gop} frames. Audio: 48 kHz stereo. {@code preset}/{@code tune}/{@code x264Params}
 * apply to libx264 only.
 */
public record EncoderSettings(String encoder, int width, int height, int fps, int gop, long bitrate, String preset,
                              String tune, String x264Params) {

    public static EncoderSettings h264(int width, int height, int fps, int gop, long bitrate) {
        return new EncoderSettings("libx264", width, height, fps, gop, bitrate, "ultrafast", "zerolatency", "");
    }

    public static EncoderSettings opus(long bitrate) {
        return new EncoderSettings("libopus", 0, 0, 0, 0, bitrate, "", "", "");
    }
}
