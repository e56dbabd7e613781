package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_get_sample_fmt_name;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Coded audio a browser cannot decode (MP2) into Opus, with libavcodec's decoder, a
 * libavfilter resample to 48 kHz stereo in 20 ms frames, and libopus. The output PTS run
 * on from the first input's by samples (each packet 20 ms after the one before), anchored
 * anew when the input jumps by more than {@link #RESYNC_US} (a gap, a restarted source).
 * Used on one thread.
 */
public final class OpusTranscoder implements AutoCloseable {

    static final long RESYNC_US = 500_000;
    private static final int OPUS_FRAME = 960;
    /** One Opus frame of {@link #OPUS_FRAME} samples at 48 kHz, µs. */
    private static final long FRAME_US = OPUS_FRAME * 1_000_000L / 48_000;

    private final AVCodecContext dec;
    private final AVPacket pkt = av_packet_alloc();
    private final AVFrame decoded = av_frame_alloc();
    private final Encoder encoder;
    private FilterChain chain;
    private long chainSource;
    private long baseUs = Long.MIN_VALUE;
    private long inputSamples;
    private long outputFrames;
    private long rejected;

    /** {@code decoder}: FFmpeg's decoder name, e.g. {@code mp2}; {@code out} gets the Opus header, OpusHead and packets. */
    public OpusTranscoder(String decoder, long opusBitrate, PacketSink out) {
        AVCodec codec = avcodec_find_decoder_by_name(decoder);
        if (codec == null) {
            throw new FfmpegException("FFmpeg has no decoder named " + decoder);
        }
        dec = avcodec_alloc_context3(codec);
        check(avcodec_open2(dec, codec, (AVDictionary) null), "opening decoder " + decoder);
        PacketSink stamped = new PacketSink() {
            @Override
            public void open(StreamHeader header) {
                out.open(header);
            }

            @Override
            public void accept(MediaPacket p) {
                // libopus stamps by its own sample count; kymux's clock is the input's
                out.accept(p.config() ? p : new MediaPacket(baseUs + outputFrames++ * FRAME_US, false, true, p.payload()));
            }

            @Override
            public void close() {
                out.close();
            }
        };
        encoder = new Encoder(EncoderSettings.opus(opusBitrate), true, stamped);
    }

    /** Coded audio (one or more whole frames) whose first sample is at {@code ptsUs}; not released. */
    public void accept(ByteBuf data, long ptsUs) {
        long expected = baseUs + inputSamples * 1_000_000 / Math.max(1, dec.sample_rate());
        if (baseUs == Long.MIN_VALUE || Math.abs(ptsUs - expected) > RESYNC_US) {
            baseUs = ptsUs - outputFrames * FRAME_US;
            inputSamples = outputFrames * FRAME_US * Math.max(1, dec.sample_rate()) / 1_000_000;
        }
        AvPackets.fill(pkt, data);
        try {
            if (avcodec_send_packet(dec, pkt) < 0) {
                rejected++; // a broken frame costs its own 20-odd ms, not the stream
                return;
            }
            while (avcodec_receive_frame(dec, decoded) >= 0) {
                inputSamples += decoded.nb_samples();
                FilterChain c;
                try {
                    c = chain(decoded);
                } catch (FfmpegException e) { // a rate or layout no resampler takes: a corrupt header
                    rejected++;
                    continue;
                }
                if (av_buffersrc_add_frame(c.first(), decoded) < 0) {
                    rejected++;
                    continue;
                }
                for (AVFrame f = chain.pull(); f != null; f = chain.pull()) {
                    encoder.encode(f, baseUs + outputFrames * FRAME_US, false);
                }
            }
        } finally {
            av_packet_unref(pkt);
        }
    }

    /** Input the decoder refused (corrupt frames), skipped. */
    public long rejected() {
        return rejected;
    }

    /** The resampler, made for what the decoder gives (and made anew when that changes mid-stream). */
    private FilterChain chain(AVFrame frame) {
        // rate, sample format and channel count in one long: compared per frame, no string built
        long source = (long) frame.sample_rate() << 32 | (long) frame.format() << 16 | frame.ch_layout().nb_channels();
        if (chain != null && source != chainSource) {
            chain.close();
            chain = null;
        }
        if (chain == null) {
            String src = String.format("time_base=1/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
                    frame.sample_rate(), frame.sample_rate(), av_get_sample_fmt_name(frame.format()).getString(),
                    frame.ch_layout().nb_channels() == 1 ? "mono" : "stereo");
            chainSource = source;
            chain = new FilterChain(List.of(new FilterChain.Step("abuffer", src),
                    new FilterChain.Step("aresample", "48000"),
                    new FilterChain.Step("aformat", "sample_fmts=s16:channel_layouts=stereo"),
                    new FilterChain.Step("asetnsamples", "n=" + OPUS_FRAME + ":p=0")), true);
        }
        return chain;
    }

    @Override
    public void close() {
        encoder.close();
        if (chain != null) {
            chain.close();
        }
        av_frame_free(decoded);
        av_packet_free(pkt);
        avcodec_free_context(dec);
    }
}
