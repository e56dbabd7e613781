package io.kymux.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WakeTimer} on a fake loop whose clock the test moves. */
class WakeTimerTest {

    /** A loop that runs scheduled tasks when the test advances its clock. */
    static final class FakeLoop implements WakeTimer.Scheduler {
        record Task(long atUs, Runnable task, boolean[] cancelled) {
        }

        final List<Task> tasks = new ArrayList<>();
        long nowUs;

        @Override
        public Runnable schedule(Runnable task, long delayUs) {
            Task t = new Task(nowUs + delayUs, task, new boolean[1]);
            tasks.add(t);
            return () -> t.cancelled()[0] = true;
        }

        /** Runs what falls due up to {@code us}, each at its own instant, earliest first. */
        void advanceTo(long us) {
            tasks.removeIf(t -> t.cancelled()[0]);
            while (true) {
                Task next = tasks.stream().filter(t -> t.atUs() <= us).min((a, b) -> Long.compare(a.atUs(), b.atUs()))
                        .orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                nowUs = next.atUs();
                next.task().run(); // may schedule another
                tasks.removeIf(t -> t.cancelled()[0]);
            }
            nowUs = us;
        }

        long live() {
            return tasks.stream().filter(t -> !t.cancelled()[0]).count();
        }
    }

    final FakeLoop loop = new FakeLoop();
    final List<Long> ran = new ArrayList<>();

    @Test
    void theTaskCanArmItAgainFromInside() {
        WakeTimer[] timer = new WakeTimer[1];
        timer[0] = new WakeTimer(loop, () -> {
            ran.add(loop.nowUs);
            if (ran.size() < 3) {
                timer[0].wakeAt(loop.nowUs + 10, loop.nowUs); // still not ready: come back later
            }
        });
        timer[0].wakeAt(10, 0);
        loop.advanceTo(10);
        loop.advanceTo(20);
        loop.advanceTo(30);
        assertThat(ran).containsExactly(10L, 20L, 30L);
        assertThat(loop.live()).isZero();
    }

    @Test
    void anEarlierWakeMovesItAndALaterOneChangesNothing() {
        WakeTimer timer = new WakeTimer(loop, () -> ran.add(loop.nowUs));
        timer.wakeAt(150, 0);
        timer.wakeAt(10, 0);
        timer.wakeAt(60, 0);
        assertThat(loop.live()).isOne();
        loop.advanceTo(200);
        assertThat(ran).containsExactly(10L);
    }

    @Test
    void aWakeAlreadyDueRunsOnTheNextTickAndNeverIsIgnored() {
        WakeTimer timer = new WakeTimer(loop, () -> ran.add(loop.nowUs));
        loop.nowUs = 100;
        timer.wakeAt(Long.MAX_VALUE, 100);
        assertThat(loop.live()).isZero();
        timer.wakeAt(40, 100);
        loop.advanceTo(101);
        assertThat(ran).containsExactly(101L);
    }

    @Test
    void cancelFreesIt() {
        WakeTimer timer = new WakeTimer(loop, () -> ran.add(loop.nowUs));
        timer.wakeAt(10, 0);
        timer.cancel();
        timer.wakeAt(50, 0);
        loop.advanceTo(100);
        assertThat(ran).containsExactly(50L);
    }
}
