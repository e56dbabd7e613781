package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_get_sample_fmt_name;

import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A live device through libavdevice (x11grab, v4l2, pulse, alsa): demux, decode, then
 * scale/convert to what the encoder takes. Live devices pace themselves.
 */
final class DeviceSource implements FrameSource {

    static final String MISSING_LIBS = "device sources need libavdevice, which needs the system libraries "
            + "libpulse0 libasound2 libxcb1 libxcb-shm0 (apt-get install -y libpulse0 libasound2 libxcb1 libxcb-shm0)";

    private final AVFormatContext fmt = new AVFormatContext(null);
    private final AVCodecContext dec;
    private final int streamIndex;
    private final FilterChain filter;
    private final AVPacket pkt = av_packet_alloc();
    private final AVFrame decoded = av_frame_alloc();

    DeviceSource(String format, String url, Map<String, String> options, boolean audio, EncoderSettings target) {
        loadAvdevice();
        AVInputFormat in = av_find_input_format(format);
        if (in == null) {
            throw new FfmpegException("FFmpeg has no input device " + format);
        }
        AVDictionary opts = new AVDictionary(null);
        options.forEach((k, v) -> av_dict_set(opts, k, v, 0));
        int ret = avformat_open_input(fmt, url, in, opts);
        av_dict_free(opts);
        check(ret, "opening " + format + " " + url);
        check(avformat_find_stream_info(fmt, (org.bytedeco.javacpp.PointerPointer<?>) null), "probing " + url);
        int wanted = audio ? AVMEDIA_TYPE_AUDIO : AVMEDIA_TYPE_VIDEO;
        int found = -1;
        for (int i = 0; i < fmt.nb_streams(); i++) {
            if (fmt.streams(i).codecpar().codec_type() == wanted) {
                found = i;
                break;
            }
        }
        if (found < 0) {
            throw new FfmpegException(url + " has no " + (audio ? "audio" : "video") + " stream");
        }
        streamIndex = found;
        AVStream st = fmt.streams(found);
        AVCodec codec = avcodec_find_decoder(st.codecpar().codec_id());
        dec = avcodec_alloc_context3(codec);
        check(avcodec_parameters_to_context(dec, st.codecpar()), "decoder parameters");
        check(avcodec_open2(dec, codec, (AVDictionary) null), "opening decoder for " + url);
        filter = audio ? audioChain(st) : videoChain(st, target);
    }

    private FilterChain videoChain(AVStream st, EncoderSettings t) {
        String src = String.format("video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=1/1", dec.width(),
                dec.height(), dec.pix_fmt(), st.time_base().num(), st.time_base().den());
        return new FilterChain(List.of(new FilterChain.Step("buffer", src),
                new FilterChain.Step("scale", t.width() + ":" + t.height()),
                new FilterChain.Step("format", "pix_fmts=yuv420p")), false);
    }

    private FilterChain audioChain(AVStream st) {
        String src = String.format("time_base=%d/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
                st.time_base().num(), st.time_base().den(), dec.sample_rate(),
                av_get_sample_fmt_name(dec.sample_fmt()).getString(),
                dec.ch_layout().nb_channels() == 1 ? "mono" : "stereo");
        return new FilterChain(List.of(new FilterChain.Step("abuffer", src),
                new FilterChain.Step("aresample", "48000"),
                new FilterChain.Step("aformat", "sample_fmts=s16:channel_layouts=stereo"),
                new FilterChain.Step("asetnsamples", "n=960:p=0")), true);
    }

    static void loadAvdevice() {
        try {
            org.bytedeco.ffmpeg.global.avdevice.avdevice_register_all();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new FfmpegException(MISSING_LIBS + ": " + e);
        }
    }

    @Override
    public AVFrame next() {
        while (true) {
            AVFrame out = filter.pull();
            if (out != null) {
                return out;
            }
            if (av_read_frame(fmt, pkt) < 0) {
                return null;
            }
            try {
                if (pkt.stream_index() != streamIndex) {
                    continue;
                }
                check(avcodec_send_packet(dec, pkt), "decoding device frame");
                while (avcodec_receive_frame(dec, decoded) >= 0) {
                    check(av_buffersrc_add_frame(filter.first(), decoded), "filtering device frame");
                }
            } finally {
                av_packet_unref(pkt);
            }
        }
    }

    @Override
    public void close() {
        filter.close();
        av_frame_free(decoded);
        av_packet_free(pkt);
        avcodec_free_context(dec);
        avformat_close_input(fmt);
    }
}
