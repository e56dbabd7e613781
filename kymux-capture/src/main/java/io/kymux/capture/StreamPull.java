package io.kymux.capture;

import io.kymux.core.loop.Backoff;
import io.kymux.core.packet.PacketSink;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Pulls a network source (an IP camera's RTSP) into a packet sink for as long as it runs:
 * connects, hands on its H.264, and when the source ends or fails connects again after a
 * backoff with jitter, for weeks unattended. Each change of state is reported, with the
 * source's error in one line. Runs on a thread of its own; {@link #stop} ends it.
 */
public final class StreamPull implements Runnable {

    /** What a pull is doing, for the API. */
    public enum Phase { CONNECTING, PLAYING, RETRYING, STOPPED }

    /** A pull's state: its phase, how many connections it made, the last error, if any. */
    public record State(Phase phase, int connections, String lastError) {
    }

    static final Backoff BACKOFF = new Backoff(250, 5_000);

    private final String url;
    private final PacketSink sink;
    private final LongSupplier clockUs;
    private final Consumer<State> states;
    private volatile boolean stopped;
    private int connections;
    private String lastError;

    public StreamPull(String url, PacketSink sink, LongSupplier clockUs, Consumer<State> states) {
        this.url = url;
        this.sink = sink;
        this.clockUs = clockUs;
        this.states = states;
    }

    @Override
    public void run() {
        int failures = 0;
        try {
            while (!stopped) {
                states.accept(new State(Phase.CONNECTING, connections, lastError));
                boolean played = false;
                try (PulledInput in = new PulledInput(url, () -> stopped)) {
                    connections++;
                    in.open(sink, clockUs.getAsLong());
                    states.accept(new State(Phase.PLAYING, connections, lastError));
                    while (!stopped && in.next(sink, clockUs)) {
                        played = true;
                    }
                    if (!stopped) {
                        lastError = url + " ended";
                    }
                } catch (FfmpegException e) {
                    lastError = e.getMessage();
                }
                if (stopped) {
                    break;
                }
                failures = played ? 1 : failures + 1;
                states.accept(new State(Phase.RETRYING, connections, lastError));
                sleep(BACKOFF.delayMs(failures, ThreadLocalRandom.current().nextDouble()));
            }
        } finally {
            states.accept(new State(Phase.STOPPED, connections, lastError));
        }
    }

    private void sleep(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!stopped && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(50, ms));
            } catch (InterruptedException e) {
                stopped = true;
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the pull: a blocking read gives up at once (FFmpeg's interrupt callback). */
    public void stop() {
        stopped = true;
    }
}
