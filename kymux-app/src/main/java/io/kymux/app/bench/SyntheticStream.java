package io.kymux.app.bench;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.packet.CodecId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.locks.LockSupport;

/**
 * An H.264-shaped stream at a chosen bitrate, frame rate and GOP, without an encoder:
 * real SPS/PPS, keyframes 4x the average frame size, PTS = the send instant (µs, Unix
 * epoch) so a viewer's receive time minus PTS is the latency through the relay. Keyframe
 * requests are honoured with the next frame.
 */
final class SyntheticStream implements Runnable {

    /** x264's 320x240 Constrained Baseline SPS and PPS. */
    private static final byte[] CONFIG = ByteBufUtil.decodeHexDump(
            "000000016742c015da0507e840000003004000000f23c58ba80000000168ce3c80");

    private final java.util.List<PacketSink> sinks;
    private final int fps;
    private final int gop;
    private final java.util.List<FrameSizes> sizes = new java.util.ArrayList<>();
    private final long frames;
    private volatile long published;
    private volatile boolean keyframeRequested;

    SyntheticStream(PacketSink sink, long bitrate, int fps, int gop, long frames) {
        this(java.util.List.of(sink), java.util.List.of(bitrate), fps, gop, frames);
    }

    /** Renditions: one stream per sink at its bitrate, the same pictures (PTS, keyframes) in each. */
    SyntheticStream(java.util.List<PacketSink> sinks, java.util.List<Long> bitrates, int fps, int gop, long frames) {
        this.sinks = sinks;
        this.fps = fps;
        this.gop = gop;
        this.frames = frames;
        for (long b : bitrates) {
            sizes.add(FrameSizes.of(b, fps, gop));
        }
    }

    /** A viewer needs a keyframe: the next frame is one, as a real encoder would do. */
    void requestKeyframe() {
        keyframeRequested = true;
    }

    /** Media frames published so far. */
    long published() {
        return published;
    }

    @Override
    public void run() {
        for (PacketSink sink : sinks) {
            sink.open(StreamHeader.video(CodecId.H264, 320, 240));
            sink.accept(new MediaPacket(nowUs(), true, false, Unpooled.wrappedBuffer(CONFIG)));
        }
        long period = 1_000_000_000L / fps;
        long start = System.nanoTime();
        ByteBuf[] payloads = new ByteBuf[sinks.size()];
        for (long i = 0; i < frames && !Thread.currentThread().isInterrupted(); i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean key = i % gop == 0 || keyframeRequested;
            if (key) {
                keyframeRequested = false;
            }
            for (int s = 0; s < payloads.length; s++) {
                payloads[s] = frame(sizes.get(s), key); // built before the PTS is taken: not relay time
            }
            long pts = nowUs();
            for (int s = 0; s < payloads.length; s++) {
                sinks.get(s).accept(new MediaPacket(pts, false, key, payloads[s]));
            }
            published = i + 1;
        }
        sinks.forEach(PacketSink::close);
    }

    private static ByteBuf frame(FrameSizes sizes, boolean key) {
        int size = key ? sizes.key() : sizes.delta();
        // direct and pooled, as every real ingest's payload is (a heap payload would be copied
        // for each viewer on its way to the socket)
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(size + CONFIG.length);
        if (key) {
            b.writeBytes(CONFIG);
        }
        b.writeBytes(new byte[] {0, 0, 0, 1, (byte) (key ? 0x65 : 0x41)});
        while (b.writerIndex() < size) {
            b.writeByte(0xAB); // never part of a start code, so NAL scanning skips it fast
        }
        return b;
    }

    static long nowUs() {
        return io.kymux.core.media.RealtimeClock.nowUs();
    }
}
