package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.kymux.core.h264.H264Config;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * An FFmpeg encoder that writes packet-stream packets: config packets first and whenever
 * the parameter sets change, then media packets flagged key or not, with the frame's
 * capture time (µs, Unix epoch) as PTS. The time base is 1 µs so PTS pass through as is.
 *
 * <p>H.264: no global header; x264 repeats SPS/PPS in every IDR (its default), so each
 * keyframe decodes on its own, and this class lifts them out into a config packet when
 * they change. Opus: the OpusHead from extradata is the config packet.
 */
final class Encoder implements AutoCloseable {

    /** x264's VBV, in ms of the bitrate: the viewers' latency budget (see the constructor). */
    static final long VBV_MS = 150;

    private final AVCodecContext ctx;
    private final AVPacket pkt = av_packet_alloc();
    private final CodecId codecId;
    private final PacketSink sink;
    private ByteBuf lastConfig;

    Encoder(EncoderSettings s, boolean audio, PacketSink sink) {
        this.sink = sink;
        AVCodec codec = avcodec_find_encoder_by_name(s.encoder());
        if (codec == null) {
            throw new FfmpegException("FFmpeg has no encoder named " + s.encoder());
        }
        codecId = codecIdOf(codec.id(), s.encoder());
        ctx = avcodec_alloc_context3(codec);
        ctx.time_base(av_make_q(1, 1_000_000));
        ctx.bit_rate(s.bitrate());
        AVDictionary opts = new AVDictionary(null);
        if (audio) {
            ctx.sample_fmt(AV_SAMPLE_FMT_S16);
            ctx.sample_rate(48000);
            av_channel_layout_default(ctx.ch_layout(), 2);
        } else {
            ctx.width(s.width());
            ctx.height(s.height());
            ctx.pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.framerate(av_make_q(s.fps(), 1));
            ctx.gop_size(s.gop());
            ctx.max_b_frames(0); // B-frames add a frame of latency
            if (s.encoder().equals("libx264")) {
                // a VBV of 150 ms at the bitrate (the viewers' latency budget): no frame, a
                // keyframe included, takes longer than that on a link of the stream's rate, and
                // x264 applies a new rate (setBitrate) to the running encoder
                ctx.rc_max_rate(s.bitrate());
                ctx.rc_buffer_size(vbvBits(s.bitrate()));
                setIfGiven(opts, "preset", s.preset());
                setIfGiven(opts, "tune", s.tune());
                setIfGiven(opts, "x264-params", s.x264Params());
            }
        }
        int ret = avcodec_open2(ctx, codec, opts);
        av_dict_free(opts);
        check(ret, "opening encoder " + s.encoder());
        sink.open(audio ? StreamHeader.audio(codecId) : StreamHeader.video(codecId, s.width(), s.height()));
        if (ctx.extradata_size() > 0) {
            ByteBuf extra = PooledByteBufAllocator.DEFAULT.buffer(ctx.extradata_size());
            extra.writeBytes(ctx.extradata().capacity(ctx.extradata_size()).asByteBuffer());
            emitConfigIfNew(extra, 0);
        }
    }

    /** The VBV: {@link #VBV_MS} of the bitrate, in bits. */
    static int vbvBits(long bitsPerSecond) {
        return (int) Math.min(Integer.MAX_VALUE, bitsPerSecond * VBV_MS / 1000);
    }

    /**
     * From the next frame on, encode at this bitrate, with the VBV scaled to it. libavcodec's
     * libx264 wrapper compares the context's bit_rate, rc_max_rate and rc_buffer_size with
     * x264's at every frame and calls x264_encoder_reconfig when they differ: no reopening, no
     * extra keyframe. The VBV must follow: left at the old rate's, the keyframe asked for
     * with a lower rate (a viewer's link dropped) may be as large as before, four times the
     * time on the thinner link.
     */
    void setBitrate(long bitsPerSecond) {
        ctx.bit_rate(bitsPerSecond);
        if (ctx.rc_max_rate() > 0) {
            ctx.rc_max_rate(bitsPerSecond);
            ctx.rc_buffer_size(vbvBits(bitsPerSecond));
        }
    }

    long bitrate() {
        return ctx.bit_rate();
    }

    /** Encodes one frame stamped {@code ptsUs}; {@code forceKey} asks for an IDR now. */
    void encode(AVFrame frame, long ptsUs, boolean forceKey) {
        frame.pts(ptsUs);
        frame.pict_type(forceKey ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        check(avcodec_send_frame(ctx, frame), "encoding");
        drain();
    }

    /** Flushes delayed packets at the end of the stream. */
    void flush() {
        avcodec_send_frame(ctx, null);
        drain();
    }

    private void drain() {
        while (avcodec_receive_packet(ctx, pkt) >= 0) {
            try {
                ByteBuf data = PooledByteBufAllocator.DEFAULT.buffer(pkt.size());
                data.writeBytes(pkt.data().capacity(pkt.size()).asByteBuffer());
                boolean key = (pkt.flags() & AV_PKT_FLAG_KEY) != 0;
                long pts = Math.max(0, pkt.pts());
                if (key && codecId == CodecId.H264) {
                    H264Config.extractParameterSets(data, PooledByteBufAllocator.DEFAULT)
                            .ifPresent(ps -> emitConfigIfNew(ps, pts));
                }
                sink.accept(new MediaPacket(pts, false, key || codecId.kind() == io.kymux.core.media.MediaKind.AUDIO,
                        data));
            } finally {
                av_packet_unref(pkt);
            }
        }
    }

    private void emitConfigIfNew(ByteBuf config, long pts) {
        if (lastConfig != null && ByteBufUtil.equals(lastConfig, config)) {
            config.release();
            return;
        }
        if (lastConfig != null) {
            lastConfig.release();
        }
        lastConfig = config;
        sink.accept(new MediaPacket(pts, true, false, config.retainedDuplicate()));
    }

    private static void setIfGiven(AVDictionary opts, String key, String value) {
        if (value != null && !value.isEmpty()) {
            av_dict_set(opts, key, value, 0);
        }
    }

    private static CodecId codecIdOf(int ffmpegId, String encoder) {
        if (ffmpegId == AV_CODEC_ID_H264) {
            return CodecId.H264;
        } else if (ffmpegId == AV_CODEC_ID_HEVC) {
            return CodecId.H265;
        } else if (ffmpegId == AV_CODEC_ID_AV1) {
            return CodecId.AV1;
        } else if (ffmpegId == AV_CODEC_ID_OPUS) {
            return CodecId.OPUS;
        } else if (ffmpegId == AV_CODEC_ID_AAC) {
            return CodecId.AAC;
        }
        throw new FfmpegException("encoder " + encoder + " produces a codec the packet stream has no id for");
    }

    @Override
    public void close() {
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        if (lastConfig != null) {
            lastConfig.release();
            lastConfig = null;
        }
    }
}
