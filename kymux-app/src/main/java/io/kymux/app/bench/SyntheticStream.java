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

    private final PacketSink sink;
    private final int fps;
    private final int gop;
    private final FrameSizes sizes;
    private final long frames;
    private volatile long published;
    private volatile boolean keyframeRequested;

    SyntheticStream(PacketSink sink, long bitrate, int fps, int gop, long frames) {
        this.sink = sink;
        this.fps = fps;
        this.gop = gop;
        this.frames = frames;
        this.sizes = FrameSizes.of(bitrate, fps, gop);
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
        sink.open(StreamHeader.video(CodecId.H264, 320, 240));
        sink.accept(new MediaPacket(nowUs(), true, false, Unpooled.wrappedBuffer(CONFIG)));
        long period = 1_000_000_000L / fps;
        long start = System.nanoTime();
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
            ByteBuf payload = frame(key); // built before the PTS is taken: not relay time
            sink.accept(new MediaPacket(nowUs(), false, key, payload));
            published = i + 1;
        }
        sink.close();
    }

    private ByteBuf frame(boolean key) {
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
