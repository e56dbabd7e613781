package io.kymux.app;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import io.kymux.capture.PacketDecoder;
import io.kymux.core.packet.CodecId;
import io.netty.buffer.Unpooled;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/** Demuxes a container file with FFmpeg and decodes its H.264 and Opus streams: what a player would get. */
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
        AVPacket pkt = av_packet_alloc();
        try (PacketDecoder video = new PacketDecoder(CodecId.H264); PacketDecoder audio = new PacketDecoder(CodecId.OPUS)) {
            avformat_find_stream_info(fmt, (AVDictionary) null);
            while (av_read_frame(fmt, pkt) >= 0) {
                int type = fmt.streams(pkt.stream_index()).codecpar().codec_type();
                byte[] b = new byte[pkt.size()];
                pkt.data().get(b);
                if (type == AVMEDIA_TYPE_VIDEO) {
                    video.decode(Unpooled.wrappedBuffer(b), pkt.pts());
                } else if (type == AVMEDIA_TYPE_AUDIO) {
                    audio.decode(Unpooled.wrappedBuffer(b), pkt.pts());
                }
                av_packet_unref(pkt);
            }
            return new Result(video.framesDecoded(), audio.framesDecoded(), video.errors(), video.width());
        } finally {
            av_packet_free(pkt);
            avformat_close_input(fmt);
        }
    }
}
