package io.kymux.webrtc.rtp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiving end of one RTP stream on a lossy path: puts packets back in sequence order,
 * asks for the missing ones (NACK, RFC 4585) and waits for them at most {@code maxWaitUs};
 * past that the gap is given up and what follows goes on, so a loss costs a bounded wait,
 * never a stall. Each missing packet is asked for up to {@link #MAX_NACKS} times,
 * {@code retryUs} apart. Sequence numbers wrap (16 bits). Sans-I/O: the caller passes
 * {@code now}, sends the NACKs and calls {@link #expire} by {@link #nextWakeUs}. Bounded
 * at {@code maxPackets} held. {@code T} is the packet as the caller keeps it (parsed once).
 */
public final class NackReceiver<T> {

    static final int MAX_NACKS = 3;

    /** A missing sequence number: when it went missing, when it was last asked for, how often. */
    private static final class Missing {
        final long sinceUs;
        long askedUs = Long.MIN_VALUE / 2;
        int asked;

        Missing(long sinceUs) {
            this.sinceUs = sinceUs;
        }
    }

    private final long maxWaitUs;
    private final long retryUs;
    private final int maxPackets;
    /** Unwrapped sequence number → packet, held behind a gap. */
    private final TreeMap<Long, T> held = new TreeMap<>();
    private final TreeMap<Long, Missing> missing = new TreeMap<>();
    /** The unwrapped sequence number expected next; -1 before the first packet. */
    private long expected = -1;
    private long lost;
    private long recovered;

    public NackReceiver(long maxWaitUs, long retryUs, int maxPackets) {
        this.maxWaitUs = maxWaitUs;
        this.retryUs = retryUs;
        this.maxPackets = maxPackets;
    }

    /** One packet with its 16-bit sequence number; adds those now in order to {@code out}. */
    public void accept(int sequence, T packet, long nowUs, List<T> out) {
        if (expected < 0) {
            expected = sequence;
        }
        long s = unwrap(sequence);
        if (s < expected || held.containsKey(s)) {
            return; // a duplicate, or a retransmission after the gap was given up
        }
        if (missing.remove(s) != null) {
            recovered++;
        }
        if (s > expected) {
            for (long m = Math.max(expected, held.isEmpty() ? expected : held.lastKey() + 1); m < s; m++) {
                missing.putIfAbsent(m, new Missing(nowUs));
            }
        }
        held.put(s, packet);
        deliver(out);
        if (held.size() > maxPackets) {
            giveUp(out);
        }
    }

    /** The 64-bit sequence number nearest to the one expected. */
    private long unwrap(int sequence) {
        long base = expected & ~0xffffL;
        long s = base | (sequence & 0xffff);
        if (s < expected - 0x8000) {
            s += 0x10000;
        } else if (s > expected + 0x8000) {
            s -= 0x10000;
        }
        return s;
    }

    private void deliver(List<T> out) {
        while (!held.isEmpty() && held.firstKey() == expected) {
            out.add(held.pollFirstEntry().getValue());
            expected++;
        }
    }

    /** Skips the first gap: what waited behind it goes on. */
    private void giveUp(List<T> out) {
        if (held.isEmpty()) {
            return;
        }
        long next = held.firstKey();
        lost += next - expected;
        missing.headMap(next).clear();
        expected = next;
        deliver(out);
    }

    /** Gives up gaps older than the wait; adds what then goes on to {@code out}. */
    public void expire(long nowUs, List<T> out) {
        while (!missing.isEmpty() && !held.isEmpty() && nowUs - missing.firstEntry().getValue().sinceUs >= maxWaitUs) {
            giveUp(out);
        }
    }

    /** The sequence numbers to ask for now (16-bit), each at most {@link #MAX_NACKS} times. */
    public List<Integer> nacks(long nowUs) {
        List<Integer> out = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Missing>> it = missing.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Missing> e = it.next();
            Missing m = e.getValue();
            if (m.asked < MAX_NACKS && nowUs - m.askedUs >= retryUs) {
                m.asked++;
                m.askedUs = nowUs;
                out.add((int) (e.getKey() & 0xffff));
            }
        }
        return out;
    }

    /** When {@link #expire} or {@link #nacks} has something to do; Long.MAX_VALUE if nothing waits. */
    public long nextWakeUs() {
        if (missing.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long wake = missing.firstEntry().getValue().sinceUs + maxWaitUs;
        for (Missing m : missing.values()) {
            if (m.asked < MAX_NACKS) {
                wake = Math.min(wake, m.askedUs + retryUs);
            }
        }
        return wake;
    }

    /** Packets given up as lost. */
    public long lost() {
        return lost;
    }

    /** Packets that came after being missed (a retransmission, or late). */
    public long recovered() {
        return recovered;
    }
}
