package io.kymux.app;

import io.kymux.capture.OpusTranscoder;
import io.kymux.core.packet.PacketSink;
import io.kymux.server.ts.AudioTranscoder;
import io.netty.buffer.ByteBuf;

/** The server's TS audio transcoder: FFmpeg's decoder into libopus at 96 kbit/s ({@link OpusTranscoder}). */
final class FfmpegTranscoder implements AudioTranscoder {

    static final long OPUS_BITRATE = 96_000;

    @Override
    public Stream open(String ffmpegDecoder, PacketSink out) {
        OpusTranscoder t = new OpusTranscoder(ffmpegDecoder, OPUS_BITRATE, out);
        return new Stream() {
            @Override
            public void accept(ByteBuf data, long ptsUs) {
                t.accept(data, ptsUs);
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }
}
