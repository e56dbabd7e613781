package io.kymux.core.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiving side of kymux/1 media: reassembly plus the loss policy, sans-I/O.
 * <ul>
 *   <li>video: after a lost frame the track is broken; its frames are skipped (never handed
 *       to a decoder with a broken reference chain) until a keyframe, and a keyframe is
 *       requested at once and again every {@code keyframeRetryUs} while broken;</li>
 *   <li>audio: a lost frame is skipped (the decoder conceals it); nothing else changes.</li>
 * </ul>
 */
public final class ClientMedia {

    /** What the transport must do. */
    public sealed interface Event {
        /** A decodable frame, in order; the receiver owns {@code payload}. */
        record Deliver(int track, long frame, long ptsUs, boolean key, ByteBuf payload) implements Event {
        }

        /** Ask the server for a keyframe of this track (control stream). */
        record RequestKeyframe(int track) implements Event {
        }
    }

    /** Counters for the stats message and the client's report. */
    public record Stats(long delivered, long lost, long skipped, long recovered, long late, long keyframeRequests,
                        long jitterUs, long malformed) {
    }

    private final Reassembler reassembler;
    private final long keyframeRetryUs;
    private final Map<Integer, TrackState> tracks = new HashMap<>();
    private final List<Reassembler.Output> outputs = new ArrayList<>();
    private long delivered;
    private long lost;
    private long skipped;
    private long keyframeRequests;
    private long malformed;

    /** {@code stallUs}: how long a track may receive nothing before its incomplete frame is given up. */
    public ClientMedia(ByteBufAllocator alloc, long stallUs, long keyframeRetryUs) {
        this.reassembler = new Reassembler(alloc, stallUs, 512, 64L << 20);
        this.keyframeRetryUs = keyframeRetryUs;
    }

    /** The path's smoothed RTT (see {@link Reassembler#pathRtt}). */
    public void pathRtt(long rttUs) {
        reassembler.pathRtt(rttUs);
    }

    /** Declares a track's kind (from its TRACK message). Unknown tracks count as video. */
    public void track(int track, boolean video) {
        tracks.computeIfAbsent(track, TrackState::new).video = video;
    }

    /** One received datagram (not released). */
    public void onDatagram(ByteBuf datagram, long nowUs, List<Event> out) {
        try {
            reassembler.accept(datagram, nowUs, outputs);
        } catch (IllegalArgumentException e) {
            malformed++;
        }
        handle(nowUs, out);
    }

    /** Timers: overdue fragments, keyframe request retries. */
    public void poll(long nowUs, List<Event> out) {
        reassembler.poll(nowUs, outputs);
        handle(nowUs, out);
        for (TrackState t : tracks.values()) {
            if (t.broken && nowUs - t.lastRequestUs >= keyframeRetryUs) {
                request(t, nowUs, out);
            }
        }
    }

    public long nextWakeUs() {
        long wake = reassembler.nextWakeUs();
        for (TrackState t : tracks.values()) {
            if (t.broken) {
                wake = Math.min(wake, t.lastRequestUs + keyframeRetryUs);
            }
        }
        return wake;
    }

    public Stats stats() {
        long jitter = tracks.values().stream().mapToLong(t -> (long) t.jitterUs).max().orElse(0);
        return new Stats(delivered, lost, skipped, reassembler.recovered(), reassembler.late(), keyframeRequests, jitter,
                malformed);
    }

    public void close() {
        reassembler.close();
    }

    private void handle(long nowUs, List<Event> out) {
        for (Reassembler.Output o : outputs) {
            TrackState t = tracks.computeIfAbsent(o.track(), TrackState::new);
            if (o instanceof Reassembler.Output.Lost) {
                lost++;
                if (t.video && !t.broken) {
                    t.broken = true;
                    request(t, nowUs, out);
                }
            } else if (o instanceof Reassembler.Output.Complete c) {
                t.jitter(nowUs, c.ptsUs());
                if (t.video && t.broken && !c.key()) {
                    skipped++;
                    c.payload().release();
                    continue;
                }
                t.broken = false;
                delivered++;
                out.add(new Event.Deliver(c.track(), c.frame(), c.ptsUs(), c.key(), c.payload()));
            }
        }
        outputs.clear();
    }

    private void request(TrackState t, long nowUs, List<Event> out) {
        t.lastRequestUs = nowUs;
        keyframeRequests++;
        out.add(new Event.RequestKeyframe(t.number));
    }

    private static final class TrackState {
        final int number;
        boolean video = true;
        boolean broken;
        long lastRequestUs = Long.MIN_VALUE / 2;
        long lastTransitUs = Long.MIN_VALUE;
        double jitterUs;

        TrackState(int number) {
            this.number = number;
        }

        /** RFC 3550 interarrival jitter on (arrival − capture PTS). */
        void jitter(long nowUs, long ptsUs) {
            long transit = nowUs - ptsUs;
            if (lastTransitUs != Long.MIN_VALUE) {
                jitterUs += (Math.abs(transit - lastTransitUs) - jitterUs) / 16.0;
            }
            lastTransitUs = transit;
        }
    }
}
