package io.kymux.bench;

import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.packet.PacketStreamEncoder;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.openjdk.jmh.annotations.Warmup;

/** Decoding 60 packets (one second of 60 fps video) arriving in 16 KiB network chunks. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacketDecodeBenchmark {

    @Param({"8000", "64000"})
    int packetSize;

    private ByteBuf wire;

    @Setup
    public void setup() {
        wire = Unpooled.directBuffer();
        PacketStreamEncoder.writeHeader(StreamHeader.video(CodecId.H264, 1280, 720), wire);
        for (int i = 0; i < 60; i++) {
            PacketStreamEncoder.writePacket(new MediaPacket(1_700_000_000_000_000L + i * 16_667L, false, i == 0,
                    Unpooled.wrappedBuffer(new byte[packetSize])), wire);
        }
    }

    @Benchmark
    public int decodeOneSecond() {
        PacketStreamDecoder d = new PacketStreamDecoder(PooledByteBufAllocator.DEFAULT);
        List<PacketStreamEvent> out = new ArrayList<>(64);
        ByteBuf in = wire.duplicate();
        int n = 0;
        while (in.isReadable()) {
            d.decode(in.readSlice(Math.min(16384, in.readableBytes())), out);
            for (PacketStreamEvent e : out) {
                if (e instanceof MediaPacket p) {
                    n += p.size();
                    p.release();
                }
            }
            out.clear();
        }
        return n;
    }
}
