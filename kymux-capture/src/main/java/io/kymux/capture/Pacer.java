package io.kymux.capture;

/** Releases generated frames at their real-time instants (frame i at start + i / rate). */
final class Pacer {

    private final long periodNanos;
    private long startNanos = Long.MIN_VALUE;
    private long index;

    Pacer(double ratePerSecond) {
        this.periodNanos = (long) (1e9 / ratePerSecond);
    }

    void awaitNext() throws InterruptedException {
        long now = System.nanoTime();
        if (startNanos == Long.MIN_VALUE) {
            startNanos = now;
        }
        long due = startNanos + index * periodNanos;
        index++;
        long wait = due - now;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } else if (wait < -1_000_000_000L) {
            // fell more than a second behind (suspended, overloaded): restart the schedule
            startNanos = now;
            index = 1;
        }
    }
}
