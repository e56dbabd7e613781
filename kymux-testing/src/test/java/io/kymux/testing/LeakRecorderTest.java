package io.kymux.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak assertions elsewhere are only worth something if a real leak is caught. */
class LeakRecorderTest {

    @Test
    void aDroppedBufferIsReported() {
        leakOne();
        long end = System.nanoTime() + 10_000_000_000L;
        while (LeakRecorder.leaks().stream().noneMatch(l -> l.contains("leakOne")) && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertThat(LeakRecorder.leaks()).anyMatch(l -> l.contains("leakOne"));
        LeakRecorder.forget("leakOne");
    }

    private static void leakOne() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeInt(42); // touched here, so the trace names this method; never released
    }
}
