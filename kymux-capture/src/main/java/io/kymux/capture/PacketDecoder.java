package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import io.kymux.core.packet.CodecId;
import io.netty.buffer.ByteBuf;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Decodes packet-stream payloads with FFmpeg and counts what came out: how a test (or a
 * client) proves that what it received is really decodable media.
 */
public final class PacketDecoder implements AutoCloseable {


    private final AVCodecContext ctx;
    private final AVPacket pkt = av_packet_alloc();
    private final AVFrame frame = av_frame_alloc();
    private long framesDecoded;
    private long errors;
    private int width;
    private int height;

    public PacketDecoder(CodecId codec) {
        int id = switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case H265 -> org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
            case OPUS -> AV_CODEC_ID_OPUS;
            default -> throw new IllegalArgumentException("no test decoder for " + codec);
        };
        AVCodec c = avcodec_find_decoder(id);
        ctx = avcodec_alloc_context3(c);
        if (codec == CodecId.OPUS) {
            ctx.sample_rate(48000);
            org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default(ctx.ch_layout(), 2);
        }
        check(avcodec_open2(ctx, c, (AVDictionary) null), "opening decoder");
    }

    /** Decodes one packet (config or media); returns how many frames came out. */
    public int decode(ByteBuf payload, long ptsUs) {
        AvPackets.fill(pkt, payload);
        pkt.pts(ptsUs);
        if (avcodec_send_packet(ctx, pkt) < 0) {
            errors++;
        }
        org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(pkt);
        return receiveFrames();
    }

    /** Takes every frame the decoder has ready; returns how many. */
    private int receiveFrames() {
        int out = 0;
        while (avcodec_receive_frame(ctx, frame) >= 0) {
            out++;
            width = frame.width();
            height = frame.height();
        }
        framesDecoded += out;
        return out;
    }

    /**
     * Drains the frames the decoder still holds (frame threads keep several back); returns
     * how many came out. Decoding after this is not possible.
     */
    public int flush() {
        avcodec_send_packet(ctx, (AVPacket) null);
        return receiveFrames();
    }

    public long framesDecoded() {
        return framesDecoded;
    }

    /** Packets the decoder rejected. */
    public long errors() {
        return errors;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    @Override
    public void close() {
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
    }
}
