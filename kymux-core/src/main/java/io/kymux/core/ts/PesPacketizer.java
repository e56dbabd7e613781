package io.kymux.core.ts;

import io.kymux.core.h264.H264Config;
import io.kymux.core.h264.Sps;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import java.util.List;
import java.util.Optional;

/**
 * Turns an H.264 elementary stream's PES packets (stream_type 0x1B, one access unit each
 * in Annex B, as FFmpeg and encoders write them) into a packet feed's events: the stream
 * header once the first IDR with its SPS arrives (nothing before it is decodable), then one
 * packet per access unit, key when it holds an IDR (the feed takes the in-band SPS/PPS as
 * its config). PTS are mapped from the 90 kHz clock to capture-time µs: the server's clock
 * at the first access unit, then the PTS difference, across the 2^33 wrap; a jump of more
 * than {@link #REBASE_US} (a restarted encoder) maps anew to the server's clock. PTS stay
 * strictly increasing. Sans-I/O.
 */
public final class PesPacketizer {

    /** An H.264 video stream in MPEG-TS. */
    public static final int H264 = 0x1b;
    static final long REBASE_US = 10_000_000;
    private static final long WRAP = 1L << 33;

    private boolean opened;
    private long lastRaw = -1;
    private long baseUs;
    /** µs since the base, from the unwrapped PTS. */
    private long offsetUs;
    private long lastPtsUs = Long.MIN_VALUE;
    private long droppedBeforeKey;

    /** Whether this stream type can be carried as a packet feed. */
    public static boolean carries(int streamType) {
        return streamType == H264;
    }

    /** Adds the events of {@code pes} to {@code out}, taking ownership of its payload. */
    public void accept(TsDemuxer.Pes pes, long nowUs, List<PacketStreamEvent> out) {
        boolean key = H264Config.containsIdr(pes.payload());
        if (!opened) {
            Optional<Sps> sps = key ? H264Config.findSps(pes.payload()) : Optional.empty();
            if (sps.isEmpty()) {
                droppedBeforeKey++;
                pes.payload().release();
                return;
            }
            out.add(StreamHeader.video(CodecId.H264, sps.get().width(), sps.get().height()));
            opened = true;
        }
        out.add(new MediaPacket(ptsUs(pes, nowUs), false, key, pes.payload()));
    }

    private long ptsUs(TsDemuxer.Pes pes, long nowUs) {
        long raw = pes.pts90k() != TsDemuxer.Pes.NONE ? pes.pts90k() : pes.dts90k();
        if (raw == TsDemuxer.Pes.NONE) {
            return next(nowUs); // no timestamp at all: the arrival time
        }
        if (lastRaw < 0) {
            baseUs = nowUs;
            offsetUs = 0;
        } else {
            long delta = (raw - lastRaw) & (WRAP - 1);
            if (delta >= WRAP / 2) {
                delta -= WRAP;
            }
            long deltaUs = delta * 100 / 9;
            if (Math.abs(deltaUs) > REBASE_US) {
                baseUs = nowUs;
                offsetUs = 0;
            } else {
                offsetUs += deltaUs;
            }
        }
        lastRaw = raw;
        return next(baseUs + offsetUs);
    }

    private long next(long ptsUs) {
        lastPtsUs = Math.max(ptsUs, lastPtsUs == Long.MIN_VALUE ? ptsUs : lastPtsUs + 1);
        return lastPtsUs;
    }

    /** Access units dropped while waiting for the first IDR. */
    public long droppedBeforeKey() {
        return droppedBeforeKey;
    }
}
