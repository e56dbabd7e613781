package io.kymux.core.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fragmentation, reassembly, ordering, loss and XOR recovery, with a fake clock. */
class ReassemblerTest {

    static final int MTU = 1200;
    static final long TIMEOUT = 50_000;
    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final Fragmenter fragmenter = new Fragmenter(alloc);
    final Reassembler r = new Reassembler(alloc, TIMEOUT, 64, 8 << 20);
    final List<Reassembler.Output> out = new ArrayList<>();

    @AfterEach
    void release() {
        out.forEach(o -> {
            if (o instanceof Reassembler.Output.Complete c) {
                c.payload().release();
            }
        });
        r.close();
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    List<ByteBuf> frame(int track, long number, byte[] data, boolean key, Fec fec) {
        List<ByteBuf> d = new ArrayList<>();
        fragmenter.fragment(track, number, 1_000_000 + number, key, Unpooled.wrappedBuffer(data), MTU, fec, d);
        return d;
    }

    void deliver(List<ByteBuf> datagrams, long now) {
        for (ByteBuf d : datagrams) {
            assertThat(d.readableBytes()).isLessThanOrEqualTo(MTU);
            r.accept(d, now, out);
            d.release();
        }
    }

    List<Reassembler.Output.Complete> completes() {
        return out.stream().filter(Reassembler.Output.Complete.class::isInstance).map(Reassembler.Output.Complete.class::cast).toList();
    }

    @Test
    void framesOfAnySizeComeBackByteIdentical() {
        int[] sizes = {1, 100, MTU - MediaDatagram.HEADER, MTU - MediaDatagram.HEADER + 1, 5000, 200_000};
        for (int i = 0; i < sizes.length; i++) {
            deliver(frame(0, i, bytes(sizes[i], i), i == 0, Fec.NONE), 0);
        }
        assertThat(completes()).hasSize(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            Reassembler.Output.Complete c = completes().get(i);
            assertThat(c.frame()).isEqualTo(i);
            assertThat(c.ptsUs()).isEqualTo(1_000_000 + i);
            assertThat(ByteBufUtil.getBytes(c.payload())).isEqualTo(bytes(sizes[i], i));
        }
        assertThat(completes().get(0).key()).isTrue();
    }

    @Test
    void reorderedDatagramsStillGiveFramesInOrder() {
        List<ByteBuf> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.addAll(frame(0, i, bytes(3000 + i, i), false, Fec.NONE));
        }
        ByteBuf first = all.remove(0); // the stream starts where its first datagram says
        Collections.shuffle(all, new Random(3));
        all.add(0, first);
        deliver(all, 0);
        assertThat(completes()).extracting(Reassembler.Output.Complete::frame)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    static final long REORDER = Reassembler.REORDER_FLOOR_US;

    @Test
    void anIncompleteFrameIsLostOnceALaterOneArrivedTheReorderWindowAgoAndTheNextOnesFollow() {
        deliver(frame(0, 0, bytes(100, 0), true, Fec.NONE), 0);
        List<ByteBuf> f1 = frame(0, 1, bytes(3000, 1), false, Fec.NONE);
        f1.remove(1).release(); // one fragment lost, no FEC
        deliver(f1, 1_000);
        deliver(frame(0, 2, bytes(100, 2), false, Fec.NONE), 2_000);
        assertThat(completes()).extracting(Reassembler.Output.Complete::frame).containsExactly(0L);
        assertThat(r.nextWakeUs()).isEqualTo(2_000 + REORDER);
        r.poll(2_000 + REORDER - 1, out);
        assertThat(out).hasSize(1);
        r.poll(2_000 + REORDER, out);
        assertThat(out).hasSize(3);
        assertThat(out.get(1)).isEqualTo(new Reassembler.Output.Lost(0, 1));
        assertThat(((Reassembler.Output.Complete) out.get(2)).frame()).isEqualTo(2);
        // a straggler of the lost frame is ignored
        List<ByteBuf> late = frame(0, 1, bytes(3000, 1), false, Fec.NONE);
        deliver(late, 60_000);
        assertThat(out).hasSize(3);
        assertThat(r.late()).isEqualTo(3);
    }

    @Test
    void aFrameNeverSeenIsLostOnceALaterOneArrivedTheReorderWindowAgo() {
        deliver(frame(0, 0, bytes(100, 0), true, Fec.NONE), 0);
        frame(0, 1, bytes(100, 1), false, Fec.NONE).forEach(ByteBuf::release); // every fragment lost
        deliver(frame(0, 2, bytes(100, 2), false, Fec.NONE), 10_000);
        assertThat(completes()).hasSize(1);
        r.poll(10_000 + REORDER - 1, out);
        assertThat(out).hasSize(1);
        r.poll(10_000 + REORDER, out);
        assertThat(out).extracting(Reassembler.Output::frame).containsExactly(0L, 1L, 2L);
        assertThat(out.get(1)).isInstanceOf(Reassembler.Output.Lost.class);
    }

    @Test
    void aFrameHeldUpMidWayWithNothingAfterItIsWaitedForWhileTheTrackStallsLessThanTheStallTime() {
        deliver(frame(0, 0, bytes(100, 0), true, Fec.NONE), 0);
        List<ByteBuf> f1 = frame(0, 1, bytes(8000, 1), false, Fec.NONE); // 7 fragments
        List<ByteBuf> rest = new ArrayList<>(f1.subList(2, f1.size()));
        deliver(f1.subList(0, 2), 1_000); // the congestion window let two out
        assertThat(r.nextWakeUs()).isEqualTo(1_000 + TIMEOUT);
        r.poll(1_000 + TIMEOUT - 1, out);
        deliver(rest.subList(0, 1), 1_000 + TIMEOUT - 1); // the path moves on: the stall time restarts
        r.poll(1_000 + 2 * TIMEOUT - 2, out);
        deliver(rest.subList(1, rest.size()), 1_000 + 2 * TIMEOUT - 2);
        assertThat(out).extracting(Reassembler.Output::frame).containsExactly(0L, 1L);
        assertThat(out).allMatch(Reassembler.Output.Complete.class::isInstance);
    }

    @Test
    void aFrameWhoseLastDatagramsWereLostWithNothingAfterItIsGivenUpAfterTheStallTime() {
        List<ByteBuf> f0 = frame(0, 0, bytes(8000, 0), true, Fec.NONE);
        f0.remove(f0.size() - 1).release();
        deliver(f0, 5_000);
        r.poll(5_000 + TIMEOUT - 1, out);
        assertThat(out).isEmpty();
        r.poll(5_000 + TIMEOUT, out);
        assertThat(out).containsExactly(new Reassembler.Output.Lost(0, 0));
    }

    @Test
    void thePathsRttWidensTheReorderWindowAndTheStallTime() {
        r.pathRtt(100_000);
        deliver(frame(0, 0, bytes(100, 0), true, Fec.NONE), 0);
        List<ByteBuf> f1 = frame(0, 1, bytes(3000, 1), false, Fec.NONE);
        f1.remove(0).release();
        deliver(f1, 1_000);
        assertThat(r.nextWakeUs()).as("3 RTTs").isEqualTo(1_000 + 300_000);
        deliver(frame(0, 2, bytes(100, 2), false, Fec.NONE), 2_000);
        assertThat(r.nextWakeUs()).as("RTT/4").isEqualTo(2_000 + 25_000);
    }

    @Test
    void xorParityRebuildsOneLostFragmentPerGroup() {
        byte[] data = bytes(25_000, 9); // 22 fragments, 3 groups of up to 10
        List<ByteBuf> d = frame(1, 0, data, true, Fec.XOR_10);
        assertThat(d).hasSize(22 + 3);
        d.remove(21).release(); // the short last fragment (group 2)
        d.remove(14).release(); // group 1
        d.remove(3).release();  // group 0
        deliver(d, 0);
        assertThat(completes()).hasSize(1);
        assertThat(completes().get(0).recovered()).isTrue();
        assertThat(ByteBufUtil.getBytes(completes().get(0).payload())).isEqualTo(data);
        assertThat(r.recovered()).isEqualTo(1);
    }

    @Test
    void aCompleteKeyframeGivesUpTheIncompleteFramesBeforeItAtOnce() {
        deliver(frame(0, 0, bytes(100, 0), true, Fec.NONE), 0);
        List<ByteBuf> f1 = frame(0, 1, bytes(3000, 1), false, Fec.NONE);
        f1.remove(0).release();
        deliver(f1, 1_000);
        deliver(frame(0, 3, bytes(5000, 3), true, Fec.NONE), 2_000); // frame 2 never seen
        assertThat(out).extracting(Reassembler.Output::frame).containsExactly(0L, 1L, 2L, 3L);
        assertThat(out.get(1)).isInstanceOf(Reassembler.Output.Lost.class);
        assertThat(out.get(2)).isInstanceOf(Reassembler.Output.Lost.class);
        assertThat(((Reassembler.Output.Complete) out.get(3)).key()).isTrue();
        assertThat(r.nextWakeUs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void twoLossesInOneGroupAreNotRecoverable() {
        List<ByteBuf> d = frame(0, 0, bytes(25_000, 1), true, Fec.XOR_10);
        d.remove(5).release();
        d.remove(4).release();
        deliver(d, 0);
        r.poll(TIMEOUT, out);
        assertThat(out).containsExactly(new Reassembler.Output.Lost(0, 0));
    }

    @Test
    void boundedPendingFramesEvictTheOldest() {
        Reassembler small = new Reassembler(alloc, TIMEOUT, 4, 1 << 20);
        for (int i = 0; i < 10; i++) {
            List<ByteBuf> f = frame(0, i, bytes(3000, i), false, Fec.NONE);
            f.remove(0).release();
            for (ByteBuf b : f) {
                small.accept(b, i, out);
                b.release();
            }
        }
        assertThat(out).allMatch(o -> o instanceof Reassembler.Output.Lost);
        assertThat(out).hasSize(6);
        small.close();
    }

    @Test
    void malformedDatagramsAreRejectedAndChangeNothing() {
        Random rnd = new Random(20261123);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean() && b.length >= MediaDatagram.HEADER) {
                b[2] = 0; // plausible: no FEC
                b[8] = 0; // small index
                b[10] = 0;
                b[11] = 1;
            }
            ByteBuf d = Unpooled.wrappedBuffer(b);
            try {
                r.accept(d, i, out);
            } catch (IllegalArgumentException e) {
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(10_000);
        assertThatThrownBy(() -> MediaDatagram.read(Unpooled.buffer(3))).isInstanceOf(IllegalArgumentException.class);
        r.poll(Long.MAX_VALUE / 2, out);
    }
}
