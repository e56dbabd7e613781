package io.kymux.capture;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_from_data;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import io.netty.buffer.ByteBuf;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** Bytes into FFmpeg's packets and buffers, with the zeroed padding FFmpeg may read past their end. */
final class AvPackets {

    /** AV_INPUT_BUFFER_PADDING_SIZE. */
    static final int PADDING = 64;

    private AvPackets() {
    }

    /** {@code src} in a fresh av_malloc'd buffer, padded (FFmpeg frees it with what takes it). */
    static BytePointer padded(byte[] src) {
        int n = src.length;
        BytePointer data = new BytePointer(av_malloc(n + PADDING)).capacity(n + PADDING);
        data.put(src);
        Pointer.memset(data.position(n), 0, PADDING).position(0);
        return data;
    }

    /** Makes {@code pkt} own a padded copy of {@code payload}'s readable bytes (not consumed). */
    static void fill(AVPacket pkt, ByteBuf payload) {
        int n = payload.readableBytes();
        BytePointer data = new BytePointer(av_malloc(n + PADDING)).capacity(n + PADDING);
        payload.getBytes(payload.readerIndex(), data.asByteBuffer().limit(n));
        Pointer.memset(data.position(n), 0, PADDING).position(0);
        av_packet_from_data(pkt, data, n);
    }
}
