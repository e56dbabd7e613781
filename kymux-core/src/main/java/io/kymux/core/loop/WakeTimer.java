package io.kymux.core.loop;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one pending wake-up of a sans-I/O core's driver, on the driver's event loop. Asking
 * for an earlier wake-up moves it; a later one changes nothing (the task runs, reads the
 * core's next wake-up and asks again). The timer counts as free before its task runs, so
 * the task can arm it again: a "still pending" check on the running future would see
 * itself not done and leave the driver asleep for good.
 *
 * <p>Not thread-safe: call it on the loop that runs the task.
 */
public final class WakeTimer {

    /** Runs a task after a delay; returns what cancels it. */
    public interface Scheduler {
        Runnable schedule(Runnable task, long delayUs);
    }

    private final Scheduler scheduler;
    private final Runnable task;
    private Runnable cancel;
    private long atUs = Long.MAX_VALUE;

    public WakeTimer(Scheduler scheduler, Runnable task) {
        this.scheduler = scheduler;
        this.task = task;
    }

    /** A scheduler on a Netty event loop. */
    public static Scheduler on(EventExecutor loop) {
        return (task, delayUs) -> {
            Future<?> f = loop.schedule(task, delayUs, TimeUnit.MICROSECONDS);
            return () -> f.cancel(false);
        };
    }

    /** Wakes at {@code wakeUs} (the clock of {@code nowUs}) unless already due sooner; at least 1 µs ahead. */
    public void wakeAt(long wakeUs, long nowUs) {
        if (wakeUs == Long.MAX_VALUE || wakeUs >= atUs) {
            return;
        }
        cancel();
        atUs = wakeUs;
        cancel = scheduler.schedule(this::fire, Math.max(1, wakeUs - nowUs));
    }

    public void cancel() {
        if (cancel != null) {
            cancel.run();
            cancel = null;
        }
        atUs = Long.MAX_VALUE;
    }

    private void fire() {
        cancel = null;
        atUs = Long.MAX_VALUE;
        task.run();
    }
}
