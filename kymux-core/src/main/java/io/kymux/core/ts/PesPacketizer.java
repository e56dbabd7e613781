package io.kymux.core.ts;

import io.kymux.core.aac.Adts;
import io.kymux.core.h264.H264Config;
import io.kymux.core.h265.HevcNal;
import io.kymux.core.media.IncreasingPts;
import io.kymux.core.media.SourceClock;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import java.util.List;
import java.util.Optional;

/**
 * Turns one elementary stream's PES packets into a packet feed's events, for the stream
 * types a browser decodes. Sans-I/O.
 * <ul>
 *   <li>H.264 (stream_type 0x1B, one access unit per PES in Annex B, as FFmpeg and encoders
 *       write it): the stream header once the first IDR with its SPS arrives (nothing before
 *       it is decodable), then one packet per access unit, key when it holds an IDR (the
 *       feed takes the in-band SPS/PPS as its config).</li>
 *   <li>H.265 (0x24) the same way: from the first random-access picture (IDR, CRA or BLA)
 *       with its SPS; key at each of them; VPS/SPS/PPS in band become the config.</li>
 *   <li>AAC in ADTS (0x0F; FFmpeg puts several frames in a PES): the header and the 2-byte
 *       AudioSpecificConfig at the first frame, then one packet per ADTS frame, header
 *       included (what WebCodecs decodes with no description), each 1024 samples after the
 *       one before.</li>
 *   <li>Opus (private PES, stream_type 0x06, registered as "Opus"; FFmpeg's muxer): each
 *       access unit behind its opus_control_header (prefix 0x3FF, trim and extension flags,
 *       au_size in 255s); the header and an OpusHead (channels from the first packet's TOC,
 *       pre-skip from its start trim) at the first one, then one packet per access unit,
 *       each its TOC's duration after the one before.</li>
 * </ul>
 * PTS come from the program's {@link SourceClock} and stay strictly increasing per stream.
 */
public final class PesPacketizer {

    /** An H.264 video stream in MPEG-TS. */
    public static final int H264 = 0x1b;
    /** An H.265 (HEVC) video stream in MPEG-TS. */
    public static final int H265 = 0x24;
    /** MPEG-1 and MPEG-2 (LSF) audio, Layer I-III: no browser decodes Layer II; transcoded to Opus. */
    public static final int MPEG1_AUDIO = 0x03;
    public static final int MPEG2_AUDIO = 0x04;
    /** AAC audio in ADTS. */
    public static final int AAC_ADTS = 0x0f;
    /** PES private data: what it is, a registration descriptor says. */
    public static final int PRIVATE_PES = 0x06;
    /**
     * Not a stream_type on the wire: {@link TsProgram}'s name for private PES registered as
     * Opus (above 0xFF, so it meets no real one).
     */
    public static final int OPUS = 0x106;

    private final SourceClock clock;
    private final IncreasingPts pts = new IncreasingPts();
    private boolean opened;
    private long droppedBeforeStart;

    public PesPacketizer(SourceClock clock) {
        this.clock = clock;
    }

    /** Whether this stream type can be carried as a packet feed. */
    public static boolean carries(int streamType) {
        return streamType == H264 || streamType == H265 || streamType == AAC_ADTS || streamType == OPUS;
    }

    /** Adds the events of {@code pes} to {@code out}, taking ownership of its payload. */
    public void accept(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        try {
            if (pes.streamType() == H264) {
                h264(pes, nowUs, out);
            } else if (pes.streamType() == H265) {
                h265(pes, nowUs, out);
            } else if (pes.streamType() == AAC_ADTS) {
                aac(pes, nowUs, out);
            } else if (pes.streamType() == OPUS) {
                opus(pes, nowUs, out);
            } else {
                droppedBeforeStart++;
            }
        } finally {
            pes.payload().release();
        }
    }

    private void h264(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        video(pes, nowUs, out, H264Config.containsIdr(pes.payload()), () -> H264Config.findSps(pes.payload())
                .map(s -> StreamHeader.video(CodecId.H264, s.width(), s.height())));
    }

    private void h265(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        video(pes, nowUs, out, HevcNal.containsIrap(pes.payload()), () -> HevcNal.findSps(pes.payload())
                .map(s -> StreamHeader.video(CodecId.H265, s.width(), s.height())));
    }

    /** Opens at the first keyframe whose SPS gives a header (nothing before it decodes), then one packet per PES. */
    private void video(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out, boolean key,
                       java.util.function.Supplier<Optional<StreamHeader>> header) {
        if (!opened) {
            Optional<StreamHeader> h = key ? header.get() : Optional.empty();
            if (h.isEmpty()) {
                droppedBeforeStart++;
                return;
            }
            out.add(h.get());
            opened = true;
        }
        out.add(new MediaPacket(ptsUs(pes, nowUs), false, key, pes.payload().retain()));
    }

    private void aac(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        List<Adts.Frame> frames = Adts.frames(pes.payload());
        if (frames.isEmpty()) {
            droppedBeforeStart += opened ? 0 : 1;
            return;
        }
        long firstUs = ptsUs(pes, nowUs);
        if (!opened) {
            out.add(StreamHeader.audio(CodecId.AAC));
            out.add(new MediaPacket(firstUs, true, false, frames.get(0).format().audioSpecificConfig()));
            opened = true;
        }
        for (int i = 0; i < frames.size(); i++) {
            Adts.Frame f = frames.get(i);
            long ptsUs = i == 0 ? firstUs : pts.next(firstUs + i * 1024L * 1_000_000 / f.format().sampleRate());
            out.add(new MediaPacket(ptsUs, false, true, pes.payload().retainedSlice(f.offset(), f.length())));
        }
    }

    private void opus(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        io.netty.buffer.ByteBuf b = pes.payload();
        int i = b.readerIndex();
        int end = b.writerIndex();
        long atUs = ptsUs(pes, nowUs);
        boolean first = true;
        while (i + 3 <= end && (b.getUnsignedShort(i) & 0xffe0) == 0x7fe0) {
            int flags = b.getUnsignedByte(i + 1);
            i += 2;
            int size = 0;
            int s;
            do {
                s = i < end ? b.getUnsignedByte(i++) : -1;
                size += Math.max(s, 0);
            } while (s == 0xff);
            int startTrim = 0;
            if ((flags & 0x10) != 0 && i + 2 <= end) {
                startTrim = b.getUnsignedShort(i) & 0x1fff;
                i += 2;
            }
            if ((flags & 0x08) != 0) {
                i += 2; // end trim: the decoder's business at the stream's end
            }
            if ((flags & 0x04) != 0 && i < end) {
                i += 1 + b.getUnsignedByte(i); // control extension
            }
            if (s < 0 || size == 0 || i + size > end) {
                break; // truncated: this PES's rest is lost, the next one starts clean
            }
            if (!opened) {
                int channels = (b.getUnsignedByte(i) & 0x04) != 0 ? 2 : 1; // the TOC's stereo flag
                out.add(StreamHeader.audio(CodecId.OPUS));
                out.add(new MediaPacket(atUs, true, false,
                        new io.kymux.core.opus.OpusHead(channels, startTrim, io.kymux.core.opus.OpusHead.DECODE_RATE).encode()));
                opened = true;
            }
            long ptsUs = first ? atUs : pts.next(atUs);
            first = false;
            out.add(new MediaPacket(ptsUs, false, true, b.retainedSlice(i, size)));
            atUs = ptsUs + io.kymux.core.opus.OpusHead.packetDurationUs(b, i, size);
            i += size;
        }
        if (!opened) {
            droppedBeforeStart++;
        }
    }

    /** A PES's PTS (or DTS, or now) on the server's clock, strictly after the last one; for streams carried otherwise. */
    public long ptsUs(TsDemuxer.Pes pes, long nowUs) {
        long raw = pes.pts90k() != TsDemuxer.Pes.NONE ? pes.pts90k() : pes.dts90k();
        return pts.next(raw == TsDemuxer.Pes.NONE ? nowUs : clock.toUs(raw, nowUs));
    }

    /** PES packets dropped before the stream could start (no IDR with an SPS yet, no ADTS frame). */
    public long droppedBeforeStart() {
        return droppedBeforeStart;
    }
}
