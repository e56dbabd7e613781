package io.kymux.core.session;

import java.util.ArrayDeque;

/**
 * What a session has written but its viewer has not acknowledged yet. Written frames can
 * no longer be dropped, so a viewer behind a thin link must not get more than it can take
 * within the latency budget: while the oldest unacknowledged frame is older than
 * {@code maxAgeUs}, the session stops writing, its queue fills, and the deadline rules of
 * {@link SessionQueue} drop what would arrive too late (RTWebSocket's idea, seed 003).
 *
 * <p>Only viewers that acknowledge are paced: until the first ack, {@link #mayWrite}
 * always allows writing (players that do not ack keep working). Sans-I/O, bounded.
 */
public final class InFlight {

    /** Entries kept at most; past it the oldest are forgotten (an ack then matches less). */
    static final int MAX_ENTRIES = 4096;

    private record Sent(int track, long seq, int bytes, long sentUs) {
    }

    private final long maxAgeUs;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private long bytes;
    private boolean acking;
    private long lastAckUs;

    public InFlight(long maxAgeUs) {
        this.maxAgeUs = maxAgeUs;
    }

    public void sent(int track, long seq, int size, long nowUs) {
        if (sent.size() >= MAX_ENTRIES) {
            bytes -= sent.poll().bytes();
        }
        sent.add(new Sent(track, seq, size, nowUs));
        bytes += size;
    }

    /** The viewer received everything up to and including media frame (track, seq). */
    public void ack(int track, long seq, long nowUs) {
        acking = true;
        lastAckUs = nowUs;
        boolean known = sent.stream().anyMatch(s -> s.track() == track && s.seq() == seq);
        while (known && !sent.isEmpty()) {
            Sent s = sent.poll();
            bytes -= s.bytes();
            if (s.track() == track && s.seq() == seq) {
                break;
            }
        }
    }

    public boolean mayWrite(long nowUs) {
        return !acking || sent.isEmpty() || nowUs - sent.peekFirst().sentUs() <= maxAgeUs;
    }

    public boolean acking() {
        return acking;
    }

    public long bytes() {
        return bytes;
    }

    public int frames() {
        return sent.size();
    }

    /** Age of the oldest unacknowledged frame, 0 if none. */
    public long oldestAgeUs(long nowUs) {
        return sent.isEmpty() ? 0 : nowUs - sent.peekFirst().sentUs();
    }
}
