package io.kymux.core.ts;

import io.kymux.core.aac.Adts;
import io.kymux.core.h264.H264Config;
import io.kymux.core.h264.Sps;
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
 *   <li>AAC in ADTS (0x0F; FFmpeg puts several frames in a PES): the header and the 2-byte
 *       AudioSpecificConfig at the first frame, then one packet per ADTS frame, header
 *       included (what WebCodecs decodes with no description), each 1024 samples after the
 *       one before.</li>
 * </ul>
 * PTS come from the program's {@link SourceClock} and stay strictly increasing per stream.
 */
public final class PesPacketizer {

    /** An H.264 video stream in MPEG-TS. */
    public static final int H264 = 0x1b;
    /** AAC audio in ADTS. */
    public static final int AAC_ADTS = 0x0f;

    private final SourceClock clock;
    private final IncreasingPts pts = new IncreasingPts();
    private boolean opened;
    private long droppedBeforeStart;

    public PesPacketizer(SourceClock clock) {
        this.clock = clock;
    }

    /** Whether this stream type can be carried as a packet feed. */
    public static boolean carries(int streamType) {
        return streamType == H264 || streamType == AAC_ADTS;
    }

    /** Adds the events of {@code pes} to {@code out}, taking ownership of its payload. */
    public void accept(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        try {
            if (pes.streamType() == H264) {
                h264(pes, nowUs, out);
            } else if (pes.streamType() == AAC_ADTS) {
                aac(pes, nowUs, out);
            } else {
                droppedBeforeStart++;
            }
        } finally {
            pes.payload().release();
        }
    }

    private void h264(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        boolean key = H264Config.containsIdr(pes.payload());
        if (!opened) {
            Optional<Sps> sps = key ? H264Config.findSps(pes.payload()) : Optional.empty();
            if (sps.isEmpty()) {
                droppedBeforeStart++;
                return;
            }
            out.add(StreamHeader.video(CodecId.H264, sps.get().width(), sps.get().height()));
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

    private long ptsUs(TsDemuxer.Pes pes, long nowUs) {
        long raw = pes.pts90k() != TsDemuxer.Pes.NONE ? pes.pts90k() : pes.dts90k();
        return pts.next(raw == TsDemuxer.Pes.NONE ? nowUs : clock.toUs(raw, nowUs));
    }

    /** PES packets dropped before the stream could start (no IDR with an SPS yet, no ADTS frame). */
    public long droppedBeforeStart() {
        return droppedBeforeStart;
    }
}
