package io.kymux.server.ts;

import io.kymux.core.packet.PacketSink;
import io.netty.buffer.ByteBuf;

/**
 * Opus from TS audio no browser decodes (MPEG-1/2 Layer II, as DVB and jsmpeg's users send
 * it): one transcoding per ingest, not per viewer. The application gives FFmpeg's
 * ({@link io.kymux.server.Kymux#useTranscoder}); the server has no FFmpeg, and without one
 * such audio stays in the TS relay alone.
 */
public interface AudioTranscoder {

    /**
     * Starts turning {@code ffmpegDecoder} audio (e.g. {@code mp2}) into Opus: {@code out}
     * gets the Opus stream header, an OpusHead config and 20 ms packets stamped from the
     * PTS given to {@link Stream#accept}.
     */
    Stream open(String ffmpegDecoder, PacketSink out);

    /** One running transcoding. Used on one thread. */
    interface Stream extends AutoCloseable {
        /** Coded audio (whole frames, several in a row allowed) whose first sample is at {@code ptsUs}; not released. */
        void accept(ByteBuf data, long ptsUs);

        @Override
        void close();
    }
}
