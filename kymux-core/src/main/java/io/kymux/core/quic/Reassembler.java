package io.kymux.core.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds frames from kymux/1 media datagrams, per track and in frame order (the order a
 * decoder needs). A frame is complete when all its data fragments arrived, or when XOR
 * parity can rebuild the one missing in a group. The frame at the head of a track (the
 * next one owed to the decoder), incomplete or never seen, is reported
 * {@link Output.Lost}, and the frames after it follow:
 * <ul>
 *   <li>once a datagram of a later frame arrived a reorder window ago: the server sends
 *       a track's datagrams in order and never again, so what is still missing then
 *       was lost (within {@code max(10 ms, RTT/4)} a datagram may still be reordered);</li>
 *   <li>or when the track received nothing for the stall time ({@code stallUs}, at
 *       least 3 RTTs): the frame's last datagrams were lost and nothing followed them.
 *       A path that is only slow — a frame cut by the congestion window, a busy sender
 *       — keeps its frames: giving one up would only make the frames after it wait
 *       for a keyframe.</li>
 *   <li>at once when a later keyframe is complete: nothing before it matters.</li>
 * </ul>
 *
 * <p>Sans-I/O: time comes in as {@code nowUs}; {@link #nextWakeUs()} says when to call
 * {@link #poll} again. Bounded: at most {@code maxPending} frames and {@code maxBytes}
 * held; beyond that the oldest is declared lost. Malformed datagrams are rejected with
 * {@link IllegalArgumentException} and change nothing.
 */
public final class Reassembler {

    /** What comes out, per track in frame order. */
    public sealed interface Output {
        int track();

        long frame();

        /** A whole frame; the caller owns {@code payload}. */
        record Complete(int track, long frame, long ptsUs, boolean key, ByteBuf payload, boolean recovered)
                implements Output {
        }

        /** A frame that will never be complete. */
        record Lost(int track, long frame) implements Output {
        }
    }

    public static final int MAX_FRAME_BYTES = 16 << 20;

    /** Reordering tolerated before a frame with a later one behind it is given up. */
    public static final long REORDER_FLOOR_US = 10_000;

    private final ByteBufAllocator alloc;
    private final long baseStallUs;
    private long stallUs;
    private long reorderUs = REORDER_FLOOR_US;
    private final int maxPending;
    private final long maxBytes;
    private final Map<Integer, Track> tracks = new HashMap<>();
    private int pending;
    private long pendingBytes;
    private long recovered;
    private long late;

    /** {@code stallUs}: the stall time before the path's RTT is known, and its floor after. */
    public Reassembler(ByteBufAllocator alloc, long stallUs, int maxPending, long maxBytes) {
        this.alloc = alloc;
        this.baseStallUs = stallUs;
        this.stallUs = stallUs;
        this.maxPending = maxPending;
        this.maxBytes = maxBytes;
    }

    /** One datagram (read, not released); completed frames and losses go to {@code out}. */
    public void accept(ByteBuf datagram, long nowUs, List<Output> out) {
        MediaDatagram h = MediaDatagram.read(datagram.duplicate());
        ByteBuf body = datagram.slice(datagram.readerIndex() + MediaDatagram.HEADER,
                datagram.readableBytes() - MediaDatagram.HEADER);
        if (h.frameSize() > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame of " + h.frameSize() + " bytes is over the limit");
        }
        if (body.readableBytes() == 0 || body.readableBytes() > h.frameSize()) {
            throw new IllegalArgumentException("fragment of " + body.readableBytes() + " bytes for a frame of " + h.frameSize());
        }
        Track t = tracks.computeIfAbsent(h.track(), n -> new Track(n, h.frame()));
        t.lastUs = nowUs;
        if (h.frame() < t.next && !t.started) {
            t.next = h.frame(); // reordered at the very start: nothing delivered yet, so start earlier
        }
        if (h.frame() < t.next) {
            late++;
            return; // already delivered or given up
        }
        Pending p = t.frames.get(h.frame());
        if (p == null) {
            p = new Pending(h, nowUs);
            t.frames.put(h.frame(), p);
            pending++;
            pendingBytes += h.frameSize();
            while ((pending > maxPending || pendingBytes > maxBytes) && evictOldest(out)) {
                // keep within bounds
            }
            if (!t.frames.containsKey(h.frame())) {
                return; // this very frame was the oldest
            }
        } else if (p.count != h.count() || p.frameSize != h.frameSize()) {
            throw new IllegalArgumentException("fragment disagrees with earlier ones of frame " + h.frame());
        }
        p.add(h, body);
        flush(t, out);
    }

    /** The path's smoothed RTT: sets the reorder window and the stall time. */
    public void pathRtt(long rttUs) {
        reorderUs = Math.max(REORDER_FLOOR_US, rttUs / 4);
        stallUs = Math.max(baseStallUs, 3 * rttUs);
    }

    /** Declares overdue frames lost; call at {@link #nextWakeUs()}. */
    public void poll(long nowUs, List<Output> out) {
        for (Track t : tracks.values()) {
            while (giveUpHeadAtUs(t) <= nowUs) {
                giveUpHead(t, out);
                flush(t, out);
            }
        }
    }

    /** When {@link #poll} has something to do, or {@link Long#MAX_VALUE}. */
    public long nextWakeUs() {
        long wake = Long.MAX_VALUE;
        for (Track t : tracks.values()) {
            wake = Math.min(wake, giveUpHeadAtUs(t));
        }
        return wake;
    }

    /** When the head of the track is given up (the rules in the class comment). */
    private long giveUpHeadAtUs(Track t) {
        if (t.frames.isEmpty()) {
            return Long.MAX_VALUE; // the head is not owed yet: nothing after it arrived
        }
        Map.Entry<Long, Pending> later = t.frames.higherEntry(t.next);
        long at = t.lastUs + stallUs;
        return later == null ? at : Math.min(at, later.getValue().firstUs + reorderUs);
    }

    private void giveUpHead(Track t, List<Output> out) {
        if (t.frames.containsKey(t.next)) {
            drop(t, t.next);
        }
        out.add(new Output.Lost(t.number, t.next++));
        t.started = true;
    }

    /** Frames rebuilt with parity. */
    public long recovered() {
        return recovered;
    }

    /** Datagrams of frames already delivered or given up. */
    public long late() {
        return late;
    }

    public void close() {
        for (Track t : tracks.values()) {
            t.frames.values().forEach(Pending::release);
            t.frames.clear();
        }
        pending = 0;
        pendingBytes = 0;
    }

    private boolean evictOldest(List<Output> out) {
        Track oldest = null;
        for (Track t : tracks.values()) {
            if (!t.frames.isEmpty() && (oldest == null
                    || t.frames.firstEntry().getValue().firstUs < oldest.frames.firstEntry().getValue().firstUs)) {
                oldest = t;
            }
        }
        if (oldest == null) {
            return false;
        }
        long f = oldest.frames.firstKey();
        while (oldest.next < f) {
            out.add(new Output.Lost(oldest.number, oldest.next++));
        }
        if (!oldest.frames.get(f).complete()) {
            drop(oldest, f);
            out.add(new Output.Lost(oldest.number, oldest.next++));
        }
        oldest.started = true;
        flush(oldest, out);
        return true;
    }

    private void drop(Track t, long frame) {
        Pending p = t.frames.remove(frame);
        pending--;
        pendingBytes -= p.frameSize;
        p.release();
    }

    /**
     * Emits the complete frames at the head of the track, in order. A complete keyframe
     * waiting behind incomplete frames makes them moot: they are given up at once.
     */
    private void flush(Track t, List<Output> out) {
        while (true) {
            emitHead(t, out);
            Long key = null;
            for (Map.Entry<Long, Pending> e : t.frames.entrySet()) {
                if (e.getKey() > t.next && e.getValue().key && e.getValue().complete()) {
                    key = e.getKey();
                    break;
                }
            }
            if (key == null) {
                return;
            }
            // the head is incomplete (or missing) and a keyframe after it is ready: give the head up
            giveUpHead(t, out);
        }
    }

    private void emitHead(Track t, List<Output> out) {
        for (Iterator<Map.Entry<Long, Pending>> it = t.frames.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Pending> e = it.next();
            Pending p = e.getValue();
            if (e.getKey() != t.next || !p.complete()) {
                return;
            }
            it.remove();
            pending--;
            pendingBytes -= p.frameSize;
            if (p.recovered) {
                recovered++;
            }
            out.add(new Output.Complete(t.number, e.getKey(), p.ptsUs, p.key, p.take(), p.recovered));
            t.next++;
            t.started = true;
        }
    }

    private static final class Track {
        final int number;
        long next;
        /** A frame was delivered or given up: the start is fixed. */
        boolean started;
        /** When a datagram of this track last arrived. */
        long lastUs;
        final TreeMap<Long, Pending> frames = new TreeMap<>();

        Track(int number, long first) {
            this.number = number;
            this.next = first;
        }
    }

    /** A frame being assembled. */
    private final class Pending {
        final long ptsUs;
        final boolean key;
        final int count;
        final int frameSize;
        /** When its first datagram arrived. */
        final long firstUs;
        final boolean[] have;
        final Map<Integer, ByteBuf> parity = new HashMap<>();
        ByteBuf data;
        int fragSize;
        /** FEC group size, from the parity fragments' headers. */
        int groupSize;
        int haveCount;
        boolean recovered;

        Pending(MediaDatagram h, long firstUs) {
            this.ptsUs = h.ptsUs();
            this.key = h.key();
            this.count = h.count();
            this.frameSize = h.frameSize();
            this.firstUs = firstUs;
            this.have = new boolean[count];
        }

        boolean complete() {
            return haveCount == count;
        }

        void add(MediaDatagram h, ByteBuf body) {
            if (complete()) {
                return;
            }
            int len = body.readableBytes();
            if (h.parity()) {
                learnFragSize(len, len);
                groupSize = h.group();
                if (!parity.containsKey(h.index())) {
                    parity.put(h.index(), body.copy());
                }
            } else {
                boolean last = h.index() == count - 1;
                learnFragSize(last ? (count == 1 ? len : -1) : len, last ? len : -1);
                if (have[h.index()]) {
                    return; // duplicate
                }
                int expected = last ? frameSize - (count - 1) * fragSize : fragSize;
                if (len != expected) {
                    throw new IllegalArgumentException("fragment " + h.index() + " has " + len + " bytes, expected " + expected);
                }
                buffer().setBytes(h.index() * fragSize, body, body.readerIndex(), len);
                have[h.index()] = true;
                haveCount++;
            }
            tryRecover();
        }

        /** Fragment size from a full fragment, or from the last one's length. */
        private void learnFragSize(int full, int lastLen) {
            if (fragSize > 0) {
                if (full > 0 && full != fragSize) {
                    throw new IllegalArgumentException("fragment sizes differ within frame");
                }
                return;
            }
            if (full > 0) {
                fragSize = full;
            } else if (lastLen > 0 && count > 1) {
                int rest = frameSize - lastLen;
                if (rest % (count - 1) != 0 || rest / (count - 1) < lastLen) {
                    throw new IllegalArgumentException("last fragment of " + lastLen + " bytes does not fit " + count + " fragments");
                }
                fragSize = rest / (count - 1);
            }
            if (fragSize > 0 && ((long) fragSize * (count - 1) >= frameSize || (long) fragSize * count < frameSize)) {
                throw new IllegalArgumentException("fragment size " + fragSize + " does not fit " + count + " fragments");
            }
        }

        private ByteBuf buffer() {
            if (data == null) {
                data = alloc.buffer(frameSize, frameSize);
                data.writerIndex(frameSize);
            }
            return data;
        }

        private void tryRecover() {
            if (complete() || parity.isEmpty() || fragSize == 0) {
                return;
            }
            for (Map.Entry<Integer, ByteBuf> e : parity.entrySet()) {
                int g = e.getKey();
                int first = g * groupSize;
                int last = Math.min(count, first + groupSize);
                int missing = -1;
                for (int i = first; i < last; i++) {
                    if (!have[i]) {
                        if (missing >= 0) {
                            missing = -2;
                            break;
                        }
                        missing = i;
                    }
                }
                if (missing < 0) {
                    continue;
                }
                ByteBuf p = e.getValue();
                ByteBuf rebuilt = alloc.buffer(fragSize).writeBytes(p, p.readerIndex(), fragSize);
                for (int i = first; i < last; i++) {
                    if (i != missing) {
                        int len = i == count - 1 ? frameSize - (count - 1) * fragSize : fragSize;
                        Fragmenter.xorInto(rebuilt, 0, buffer(), i * fragSize, len);
                    }
                }
                int len = missing == count - 1 ? frameSize - (count - 1) * fragSize : fragSize;
                buffer().setBytes(missing * fragSize, rebuilt, 0, len);
                rebuilt.release();
                have[missing] = true;
                haveCount++;
                recovered = true;
            }
        }


        ByteBuf take() {
            ByteBuf d = data;
            data = null;
            releaseParity();
            return d;
        }

        void release() {
            if (data != null) {
                data.release();
                data = null;
            }
            releaseParity();
        }

        private void releaseParity() {
            parity.values().forEach(ByteBuf::release);
            parity.clear();
        }
    }
}
