package io.kymux.core.ts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TsAlignerTest {

    /** {@code n} TS packets: sync byte, PID in bytes 1-2, the rest numbered so packets differ. */
    static byte[] packets(int n, int pid, int seed) {
        byte[] out = new byte[n * TsAligner.PACKET];
        for (int i = 0; i < n; i++) {
            int o = i * TsAligner.PACKET;
            out[o] = TsAligner.SYNC;
            out[o + 1] = (byte) ((pid >> 8) & 0x1f);
            out[o + 2] = (byte) pid;
            out[o + 3] = (byte) (0x10 | (i & 0x0f));
            for (int j = 4; j < TsAligner.PACKET; j++) {
                out[o + j] = (byte) ((seed + i * 7 + j) | 1); // never 0x47 at offsets a resync would probe
                if (out[o + j] == TsAligner.SYNC) {
                    out[o + j] = 0x11;
                }
            }
        }
        return out;
    }

    /** Feeds {@code data} in pieces cut at {@code cuts} and returns what came out, checking alignment. */
    static byte[] run(TsAligner a, byte[] data, Random cuts) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<ByteBuf> out = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            int n = Math.min(data.length - i, 1 + cuts.nextInt(700));
            ByteBuf in = Unpooled.wrappedBuffer(data, i, n);
            a.accept(in, out);
            assertThat(in.readableBytes()).isZero();
            in.release();
            for (ByteBuf b : out) {
                assertThat(b.readableBytes() % TsAligner.PACKET).isZero();
                for (int p = 0; p < b.readableBytes(); p += TsAligner.PACKET) {
                    assertThat(b.getByte(b.readerIndex() + p)).isEqualTo(TsAligner.SYNC);
                }
                got.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
            }
            out.clear();
            i += n;
        }
        return got.toByteArray();
    }

    @Test
    void alignedInputComesOutByteIdenticalWhateverTheChunking() {
        byte[] ts = packets(500, 0x100, 3);
        for (int seed = 0; seed < 20; seed++) {
            TsAligner a = new TsAligner(PooledByteBufAllocator.DEFAULT);
            assertThat(run(a, ts, new Random(seed))).isEqualTo(ts);
            assertThat(a.skippedBytes()).isZero();
            assertThat(a.packets()).isEqualTo(500);
            a.close();
        }
    }

    @Test
    void runsHoldNoReferenceToTheBufferTheyArrivedIn() {
        // a socket read buffer is often far larger than its bytes; a cached run must not pin it
        ByteBuf read = Unpooled.buffer(64 * 1024).writeBytes(packets(10, 0x100, 4));
        TsAligner a = new TsAligner(PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> out = new ArrayList<>();
        a.accept(read, out);
        assertThat(read.refCnt()).isEqualTo(1);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).capacity()).isLessThan(2 * 10 * TsAligner.PACKET);
        out.get(0).release();
        read.release();
        a.close();
    }

    @Test
    void garbageBeforeTheFirstPacketIsSkipped() {
        byte[] ts = packets(50, 0x101, 9);
        byte[] junk = {0x00, 0x47, 0x12, 0x47, 0x00, 0x00, 0x01};
        byte[] in = concat(junk, ts);
        TsAligner a = new TsAligner(PooledByteBufAllocator.DEFAULT);
        assertThat(run(a, in, new Random(1))).isEqualTo(ts);
        assertThat(a.skippedBytes()).isEqualTo(junk.length);
        a.close();
    }

    @Test
    void resyncsAfterATornPacketInTheMiddle() {
        byte[] before = packets(20, 0x100, 1);
        byte[] torn = java.util.Arrays.copyOf(packets(1, 0x100, 2), 100); // a producer restarted mid-packet
        byte[] after = packets(30, 0x100, 5);
        TsAligner a = new TsAligner(PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> out = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(concat(concat(before, torn), after));
        a.accept(in, out);
        in.release();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        out.forEach(b -> {
            all.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        });
        byte[] got = all.toByteArray();
        assertThat(got).isEqualTo(concat(before, after));
        assertThat(a.skippedBytes()).isEqualTo(100);
        a.close();
    }

    @Test
    void fuzzNeverThrowsNeverMisalignsNeverHoardsNeverLeaks() {
        Random r = new Random(20261123);
        for (int round = 0; round < 300; round++) {
            byte[] data = new byte[r.nextInt(5000)];
            r.nextBytes(data);
            if (r.nextBoolean()) {
                byte[] ts = packets(1 + r.nextInt(20), r.nextInt(0x1fff), r.nextInt());
                int at = r.nextInt(data.length + 1);
                data = concat(concat(java.util.Arrays.copyOf(data, at), ts), java.util.Arrays.copyOfRange(data, at, data.length));
            }
            TsAligner a = new TsAligner(PooledByteBufAllocator.DEFAULT);
            byte[] got = run(a, data, r); // alignment is checked inside
            assertThat(got.length + a.skippedBytes()).isLessThanOrEqualTo(data.length);
            assertThat(data.length - got.length - a.skippedBytes()).as("kept between calls").isLessThanOrEqualTo(TsAligner.PACKET);
            a.close();
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
