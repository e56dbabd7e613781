package io.kymux.core.session;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * A bottleneck of a fixed rate and a round trip, for fake-clock tests: each frame leaves
 * it after the ones before it, and its ack comes back half a round trip after it arrived.
 */
final class SimulatedLink {

    private record Ack(int track, long seq, long atUs) {
    }

    private long bytesPerSecond;
    private final long rttUs;
    private final long ackJitterUs;
    private final Random jitter;
    private final ArrayDeque<Ack> acks = new ArrayDeque<>();
    private long freeAtUs;
    private long stallFromUs = Long.MAX_VALUE;
    private long stallToUs = Long.MAX_VALUE;
    /** When the last ack comes back: a later frame's ack never comes before it. */
    private long lastAckUs;

    SimulatedLink(long bytesPerSecond, long rttUs) {
        this(bytesPerSecond, rttUs, 0, 0);
    }

    /**
     * A viewer that acks up to {@code ackJitterUs} late, at random from {@code seed} (a busy
     * reader): an ack held back and the next one on time come back together, as they do
     * from a real client.
     */
    SimulatedLink(long bytesPerSecond, long rttUs, long ackJitterUs, long seed) {
        this.bytesPerSecond = bytesPerSecond;
        this.rttUs = rttUs;
        this.ackJitterUs = ackJitterUs;
        this.jitter = new Random(seed);
    }

    /** Sends a frame of track 0; returns its arrival at the viewer, µs. */
    long send(long seq, int bytes, long nowUs) {
        freeAtUs = Math.max(freeAtUs, nowUs) + bytes * 1_000_000L / bytesPerSecond;
        long arrival = freeAtUs + rttUs / 2;
        long ackUs = arrival + rttUs / 2 + (long) (jitter.nextDouble() * ackJitterUs);
        lastAckUs = Math.max(lastAckUs, ackUs);
        acks.add(new Ack(0, seq, lastAckUs));
        return arrival;
    }

    /** The bottleneck's rate changes (a viewer's Wi-Fi, a shaped link): from the next frame on. */
    void rate(long newBytesPerSecond) {
        bytesPerSecond = newBytesPerSecond;
    }

    /** Half the round trip: how long a frame through the bottleneck takes to the viewer. */
    long oneWayUs() {
        return rttUs / 2;
    }

    /** The viewer stops reading for a while (a busy client): no acks in between. */
    void stall(long fromUs, long toUs) {
        stallFromUs = fromUs;
        stallToUs = toUs;
    }

    /** Gives the acks due by now to the sender, each at its own instant; true if there were any. */
    boolean deliverAcks(InFlight f, long nowUs) {
        return deliverAcks((Acks) f::ack, nowUs);
    }

    /** Whoever takes the viewer's acks: an {@link InFlight} record, or a whole session. */
    interface Acks {
        void ack(int track, long seq, long atUs);
    }

    boolean deliverAcks(Acks f, long nowUs) {
        if (nowUs >= stallFromUs && nowUs < stallToUs) {
            return false;
        }
        boolean any = false;
        while (!acks.isEmpty() && acks.peek().atUs() <= nowUs) {
            Ack a = acks.poll();
            boolean held = a.atUs() >= stallFromUs && a.atUs() < stallToUs;
            f.ack(a.track(), a.seq(), held ? stallToUs : a.atUs());
            any = true;
        }
        return any;
    }
}
