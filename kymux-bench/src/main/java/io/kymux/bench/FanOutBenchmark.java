package io.kymux.bench;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FeedLimits;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.session.QueueItem;
import io.kymux.core.session.QueueLimits;
import io.kymux.core.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One frame published to a feed and taken out of N viewers' session queues (no I/O). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBenchmark {

    @Param({"1", "100", "1000"})
    int viewers;

    private Feed feed;
    private final List<Session> sessions = new ArrayList<>();
    private final ByteBuf payload = Unpooled.directBuffer(8000).writeZero(8000);
    private long now;

    @Setup
    public void setup() {
        feed = new Feed("bench", FeedLimits.DEFAULT);
        feed.open(StreamHeader.video(CodecId.H264, 1280, 720));
        for (int i = 0; i < viewers; i++) {
            Session s = new Session(i, "bench", List.of(feed), QueueLimits.DEFAULT, () -> { });
            s.start(0);
            s.poll(0); // the track description
            sessions.add(s);
        }
        feed.publish(new MediaPacket(1, false, true, payload.retainedDuplicate()), 1);
        drain();
    }

    @Benchmark
    public int publishAndDrain() {
        now += 16_667;
        feed.publish(new MediaPacket(now, false, false, payload.retainedDuplicate()), now);
        return drain();
    }

    private int drain() {
        int n = 0;
        for (Session s : sessions) {
            for (QueueItem i; (i = s.poll(now)) != null; ) {
                if (i instanceof QueueItem.Media m) {
                    n += m.frame().size();
                    m.frame().release();
                }
            }
        }
        return n;
    }

    @TearDown
    public void tearDown() {
        sessions.forEach(Session::close);
        feed.dispose();
    }
}
