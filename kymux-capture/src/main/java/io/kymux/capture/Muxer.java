package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import io.kymux.core.media.MediaKind;
import io.kymux.core.media.TrackInfo;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Writes encoded packets into a container with libavformat (mpegts, matroska, …) to any
 * URL FFmpeg can open for writing: a file, {@code pipe:1}, {@code tcp://…?listen},
 * {@code http://…} (chunked POST). Packets are flushed one by one, for live use.
 * Timestamps come in as capture PTS in µs and are rescaled to each stream's time base.
 */
public final class Muxer implements AutoCloseable {

    /** One track: its description and its config packet (SPS/PPS in Annex B, OpusHead), if any. */
    public record Track(TrackInfo info, byte[] config) {
    }

    private static final AVRational MICROS = new AVRational().num(1).den(1_000_000);
    /** avformat.h AVFMT_FLAG_FLUSH_PACKETS (not exported by the presets): flush the I/O after each packet. */
    private static final int FLAG_FLUSH_PACKETS = 0x0200;

    private final AVFormatContext ctx = new AVFormatContext(null);
    private final AVPacket pkt = av_packet_alloc();
    private final String url;
    private boolean headerWritten;
    private boolean closed;

    /**
     * @param format  libavformat muxer name, e.g. {@code mpegts}, {@code matroska}
     * @param url     where to write
     * @param options protocol options (e.g. {@code listen=1} for tcp)
     */
    public Muxer(String format, String url, List<Track> tracks, Map<String, String> options) {
        this.url = url;
        check(avformat_alloc_output_context2(ctx, null, format, url), "creating " + format + " muxer");
        for (Track t : tracks) {
            AVStream st = avformat_new_stream(ctx, null);
            if (st == null) {
                throw new FfmpegException("cannot add a stream to " + format);
            }
            AVCodecParameters par = st.codecpar();
            TrackInfo info = t.info();
            if (info.kind() == MediaKind.VIDEO) {
                par.codec_type(AVMEDIA_TYPE_VIDEO).codec_id(videoCodec(info)).width(info.width()).height(info.height());
            } else {
                par.codec_type(AVMEDIA_TYPE_AUDIO).codec_id(audioCodec(info)).sample_rate(info.sampleRate());
                org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default(par.ch_layout(), Math.max(1, info.channels()));
            }
            if (t.config() != null && t.config().length > 0) {
                par.extradata(AvPackets.padded(t.config())).extradata_size(t.config().length);
            }
            st.time_base(MICROS);
        }
        ctx.flags(ctx.flags() | FLAG_FLUSH_PACKETS);
        if ((ctx.oformat().flags() & AVFMT_NOFILE) == 0) {
            AVDictionary opts = new AVDictionary(null);
            options.forEach((k, v) -> av_dict_set(opts, k, v, 0));
            AVIOContext pb = new AVIOContext(null);
            int rc = avio_open2(pb, url, AVIO_FLAG_WRITE, null, opts);
            av_dict_free(opts);
            check(rc, "opening " + url);
            ctx.pb(pb);
        }
    }

    private static int videoCodec(TrackInfo info) {
        return switch (info.codec()) {
            case H264 -> AV_CODEC_ID_H264;
            case H265 -> org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
            case AV1 -> org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
            default -> throw new IllegalArgumentException("cannot mux video codec " + info.codec());
        };
    }

    private static int audioCodec(TrackInfo info) {
        return switch (info.codec()) {
            case OPUS -> AV_CODEC_ID_OPUS;
            case AAC -> org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
            case FLAC -> org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_FLAC;
            default -> throw new IllegalArgumentException("cannot mux audio codec " + info.codec());
        };
    }

    /** Writes one media packet (not a config packet) of track {@code index}; the payload is not released. */
    public void write(int index, ByteBuf payload, long ptsUs, boolean key) {
        if (!headerWritten) {
            check(avformat_write_header(ctx, (AVDictionary) null), "writing the " + url + " header");
            headerWritten = true;
        }
        AvPackets.fill(pkt, payload);
        pkt.stream_index(index);
        pkt.pts(ptsUs);
        pkt.dts(ptsUs); // no B-frames: decode order is presentation order
        pkt.flags(key ? AV_PKT_FLAG_KEY : 0);
        av_packet_rescale_ts(pkt, MICROS, ctx.streams(index).time_base());
        int rc = av_interleaved_write_frame(ctx, pkt); // takes the packet's reference
        check(rc, "writing to " + url);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (headerWritten) {
            av_write_trailer(ctx);
        }
        if ((ctx.oformat().flags() & AVFMT_NOFILE) == 0) {
            avio_closep(ctx.pb());
        }
        av_packet_free(pkt);
        avformat_free_context(ctx);
    }
}
