package io.kymux.app;

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
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Opens a container file with FFmpeg as a player would — demuxer, then a decoder set up
 * from each stream's parameters — and counts decoded video and audio frames.
 */
public final class ContainerDecoder {

    public record Result(long videoFrames, long audioFrames, long videoErrors, int width) {
    }

    private ContainerDecoder() {
    }

    public static Result decode(String path) {
        AVFormatContext fmt = new AVFormatContext(null);
        if (avformat_open_input(fmt, path, null, (AVDictionary) null) < 0) {
            throw new IllegalStateException("FFmpeg cannot open " + path);
        }
        avformat_find_stream_info(fmt, (AVDictionary) null);
        int n = fmt.nb_streams();
        AVCodecContext[] decoders = new AVCodecContext[n];
        for (int i = 0; i < n; i++) {
            var par = fmt.streams(i).codecpar();
            var codec = avcodec_find_decoder(par.codec_id());
            if (codec != null) {
                decoders[i] = avcodec_alloc_context3(codec);
                avcodec_parameters_to_context(decoders[i], par);
                avcodec_open2(decoders[i], codec, (AVDictionary) null);
            }
        }
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        long video = 0;
        long audio = 0;
        long errors = 0;
        int width = 0;
        try {
            while (av_read_frame(fmt, pkt) >= 0) {
                int s = pkt.stream_index();
                AVCodecContext dec = decoders[s];
                if (dec != null) {
                    boolean isVideo = fmt.streams(s).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO;
                    if (avcodec_send_packet(dec, pkt) < 0 && isVideo) {
                        errors++;
                    }
                    while (avcodec_receive_frame(dec, frame) >= 0) {
                        if (isVideo) {
                            video++;
                            width = frame.width();
                        } else if (fmt.streams(s).codecpar().codec_type() == AVMEDIA_TYPE_AUDIO) {
                            audio++;
                        }
                    }
                }
                av_packet_unref(pkt);
            }
            return new Result(video, audio, errors, width);
        } finally {
            av_frame_free(frame);
            av_packet_free(pkt);
            for (AVCodecContext d : decoders) {
                if (d != null) {
                    avcodec_free_context(d);
                }
            }
            avformat_close_input(fmt);
        }
    }
}
