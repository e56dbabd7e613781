package io.kymux.core.media;

import io.kymux.core.packet.CodecId;

/**
 * What a viewer needs to set up a decoder for one track. {@code codecString} is the
 * WebCodecs / RFC 6381 string (e.g. {@code avc1.42E01F}, {@code opus}).
 */
public record TrackInfo(MediaKind kind, CodecId codec, String codecString, int width, int height,
                        int sampleRate, int channels) {

    public static TrackInfo video(CodecId codec, String codecString, int width, int height) {
        return new TrackInfo(MediaKind.VIDEO, codec, codecString, width, height, 0, 0);
    }

    public static TrackInfo audio(CodecId codec, String codecString, int sampleRate, int channels) {
        return new TrackInfo(MediaKind.AUDIO, codec, codecString, 0, 0, sampleRate, channels);
    }
}
