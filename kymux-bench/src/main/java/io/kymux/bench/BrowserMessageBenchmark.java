package io.kymux.bench;

import io.kymux.core.browser.BrowserMessage;
import io.kymux.core.media.Frame;
import io.kymux.core.session.QueueItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding one browser media message around a shared 64 KB payload (header + composite, no copy). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BrowserMessageBenchmark {

    private final Frame frame = new Frame(1, 1_700_000_000_000_000L, false, true, 0,
            Unpooled.directBuffer(65536).writeZero(65536));
    /** As a session hands it out: numbered, the deadline already checked. */
    private final QueueItem.Media item = new QueueItem.Media(0, true, frame, Long.MAX_VALUE, false, 1);

    @Benchmark
    public int encode() {
        ByteBuf msg = BrowserMessage.encode(item, PooledByteBufAllocator.DEFAULT);
        int n = msg.readableBytes();
        msg.release();
        return n;
    }
}
