package io.kymux.core.media;

import io.kymux.core.h264.H264Config;
import io.kymux.core.opus.OpusHead;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;

/** Derives a {@link TrackInfo} from a stream header and (when known) its config packet. */
public final class TrackInfos {

    /** Used until an SPS says otherwise: Constrained Baseline 3.1, what browsers all decode. */
    static final String DEFAULT_AVC = "avc1.42E01F";
    /** Until an SPS says otherwise: Main profile, level 3.1. */
    static final String DEFAULT_HEVC = "hev1.1.6.L93.B0";

    private TrackInfos() {
    }

    public static TrackInfo of(StreamHeader header, ByteBuf config) {
        CodecId codec = header.codec();
        return switch (codec) {
            case H264 -> config == null ? TrackInfo.video(codec, DEFAULT_AVC, header.width(), header.height())
                    : H264Config.findSps(config)
                            .map(s -> TrackInfo.video(codec, s.codecString(), s.width(), s.height()))
                            .orElse(TrackInfo.video(codec, DEFAULT_AVC, header.width(), header.height()));
            case H265 -> (config == null ? java.util.Optional.<io.kymux.core.h265.HevcSps>empty()
                    : io.kymux.core.h265.HevcNal.findSps(config))
                    .map(s -> TrackInfo.video(codec, s.codecString(), s.width(), s.height()))
                    .orElse(TrackInfo.video(codec, DEFAULT_HEVC, header.width(), header.height()));
            case AV1 -> TrackInfo.video(codec, "av01.0.08M.08", header.width(), header.height());
            case OPUS -> {
                int channels = config == null ? 2 : OpusHead.parse(config).map(OpusHead::channels).orElse(2);
                yield TrackInfo.audio(codec, "opus", OpusHead.DECODE_RATE, channels);
            }
            case AAC -> io.kymux.core.aac.Adts.Format.ofConfig(config)
                    .map(f -> TrackInfo.audio(codec, "mp4a.40." + f.objectType(), f.sampleRate(), f.channels()))
                    .orElse(TrackInfo.audio(codec, "mp4a.40.2", 48000, 2));
            case FLAC -> TrackInfo.audio(codec, "flac", 48000, 2);
            case RAW -> TrackInfo.audio(codec, "pcm-s16", 48000, 2);
        };
    }
}
