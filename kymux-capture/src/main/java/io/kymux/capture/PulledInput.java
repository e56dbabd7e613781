package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_network_init;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.Pointer;

/**
 * One connection to a network source through libavformat (an IP camera's RTSP over TCP,
 * or any URL FFmpeg opens), its H.264 video handed on as it comes, no decoding: the stream
 * header and the SPS/PPS, then one packet per access unit in Annex B (a camera is joined
 * mid-GOP: viewers' sessions wait for its first keyframe). PTS are the source's,
 * moved onto {@code clockUs} at the first packet. A blocking read gives up when
 * {@code stopped} says so (FFmpeg's interrupt callback) or after the socket timeout.
 */
final class PulledInput implements AutoCloseable {

    /** A socket read with nothing for this long ends the connection (µs, FFmpeg's unit). */
    static final String TIMEOUT_US = "5000000";

    private final AVFormatContext fmt;
    private final AVIOInterruptCB.Callback_Pointer interrupt;
    private final int streamIndex;
    private final AVStream stream;
    private final AVPacket pkt = av_packet_alloc();
    private long firstRaw = AV_NOPTS_VALUE;
    private long baseUs;
    private final io.kymux.core.media.IncreasingPts pts = new io.kymux.core.media.IncreasingPts();

    /** Opens {@code url}; throws {@link FfmpegException} with FFmpeg's reason if it cannot. */
    PulledInput(String url, BooleanSupplier stopped) {
        avformat_network_init();
        interrupt = new AVIOInterruptCB.Callback_Pointer() {
            @Override
            public int call(Pointer opaque) {
                return stopped.getAsBoolean() ? 1 : 0;
            }
        };
        // allocated here so the callback is set before the first blocking connect
        fmt = org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context();
        fmt.interrupt_callback().callback(interrupt);
        AVDictionary opts = new AVDictionary(null);
        if (url.startsWith("rtsp:")) {
            av_dict_set(opts, "rtsp_transport", "tcp", 0);
        }
        av_dict_set(opts, "timeout", TIMEOUT_US, 0);
        av_dict_set(opts, "analyzeduration", "500000", 0);
        int ret = avformat_open_input(fmt, url, null, opts);
        av_dict_free(opts);
        check(ret, "opening " + url);
        try {
            check(avformat_find_stream_info(fmt, (org.bytedeco.javacpp.PointerPointer<?>) null), "probing " + url);
            int found = -1;
            for (int i = 0; i < fmt.nb_streams(); i++) {
                AVCodecParameters p = fmt.streams(i).codecpar();
                if (p.codec_type() == AVMEDIA_TYPE_VIDEO && p.codec_id() == AV_CODEC_ID_H264) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                throw new FfmpegException(url + " has no H.264 video stream");
            }
            streamIndex = found;
            stream = fmt.streams(found);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The stream header, and the SPS/PPS the source described (if it did) as a config packet. */
    void open(PacketSink sink, long nowUs) {
        AVCodecParameters p = stream.codecpar();
        sink.open(StreamHeader.video(CodecId.H264, p.width(), p.height()));
        if (p.extradata() != null && p.extradata_size() > 4) {
            byte[] extra = new byte[p.extradata_size()];
            p.extradata().get(extra);
            if (extra[0] == 0 && extra[1] == 0) { // Annex B, as RTSP's sprop-parameter-sets become
                sink.accept(new MediaPacket(nowUs, true, false, Unpooled.wrappedBuffer(extra)));
            }
        }
    }

    /**
     * Reads until the next video access unit and hands it to {@code sink}; false when the
     * source ended, failed or was stopped.
     */
    boolean next(PacketSink sink, LongSupplier clockUs) {
        while (true) {
            if (av_read_frame(fmt, pkt) < 0) {
                return false;
            }
            try {
                if (pkt.stream_index() != streamIndex || pkt.size() <= 0) {
                    continue;
                }
                boolean key = (pkt.flags() & AV_PKT_FLAG_KEY) != 0;
                byte[] data = new byte[pkt.size()];
                pkt.data().get(data);
                ByteBuf payload = Unpooled.wrappedBuffer(data);
                sink.accept(new MediaPacket(ptsUs(clockUs.getAsLong()), false, key, payload));
                return true;
            } finally {
                av_packet_unref(pkt);
            }
        }
    }

    private long ptsUs(long nowUs) {
        long raw = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
        long ptsUs;
        if (raw == AV_NOPTS_VALUE) {
            ptsUs = nowUs;
        } else {
            if (firstRaw == AV_NOPTS_VALUE) {
                firstRaw = raw;
                baseUs = nowUs;
            }
            ptsUs = baseUs + (raw - firstRaw) * 1_000_000L * stream.time_base().num() / stream.time_base().den();
        }
        return pts.next(ptsUs);
    }

    @Override
    public void close() {
        av_packet_free(pkt);
        if (!fmt.isNull()) {
            avformat_close_input(fmt);
        }
    }
}
