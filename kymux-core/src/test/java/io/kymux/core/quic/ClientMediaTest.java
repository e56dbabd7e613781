package io.kymux.core.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The receiver's loss policy, driven by a fake clock. */
class ClientMediaTest {

    static final long TIMEOUT = 30_000;
    static final long RETRY = 300_000;
    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final Fragmenter fragmenter = new Fragmenter(alloc);
    final ClientMedia media = new ClientMedia(alloc, TIMEOUT, RETRY);
    final List<ClientMedia.Event> out = new ArrayList<>();

    @AfterEach
    void release() {
        out.forEach(e -> {
            if (e instanceof ClientMedia.Event.Deliver d) {
                d.payload().release();
            }
        });
        media.close();
    }

    void send(int track, long frame, boolean key, long now, boolean dropOne) {
        List<ByteBuf> d = new ArrayList<>();
        fragmenter.fragment(track, frame, frame * 33_000, key, Unpooled.wrappedBuffer(new byte[3000]), 1200, Fec.NONE, d);
        if (dropOne) {
            d.remove(0).release();
        }
        for (ByteBuf b : d) {
            media.onDatagram(b, now, out);
            b.release();
        }
    }

    List<Long> delivered(int track) {
        return out.stream().filter(e -> e instanceof ClientMedia.Event.Deliver d && d.track() == track)
                .map(e -> ((ClientMedia.Event.Deliver) e).frame()).toList();
    }

    long requests() {
        return out.stream().filter(ClientMedia.Event.RequestKeyframe.class::isInstance).count();
    }

    @Test
    void aLostVideoFrameSkipsToTheNextKeyframeAndAsksForOne() {
        media.track(0, true);
        send(0, 0, true, 0, false);
        send(0, 1, false, 33_000, false);
        send(0, 2, false, 66_000, true); // lost
        send(0, 3, false, 99_000, false);
        media.poll(99_000 + Reassembler.REORDER_FLOOR_US, out); // frame 3 arrived: frame 2 is lost
        assertThat(requests()).isEqualTo(1);
        send(0, 4, false, 132_000, false); // still broken: never handed to the decoder
        assertThat(delivered(0)).containsExactly(0L, 1L);
        media.poll(99_000 + Reassembler.REORDER_FLOOR_US + RETRY, out);
        assertThat(requests()).as("asked again while broken").isEqualTo(2);
        send(0, 5, true, 500_000, false);
        send(0, 6, false, 533_000, false);
        assertThat(delivered(0)).containsExactly(0L, 1L, 5L, 6L);
        media.poll(2_000_000, out);
        assertThat(requests()).as("healed: no more requests").isEqualTo(2);
        ClientMedia.Stats s = media.stats();
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(2);
        assertThat(s.keyframeRequests()).isEqualTo(2);
    }

    @Test
    void aLostAudioFrameIsJustSkipped() {
        media.track(1, false);
        send(1, 0, true, 0, false);
        send(1, 1, true, 20_000, true);
        send(1, 2, true, 40_000, false);
        media.poll(40_000 + Reassembler.REORDER_FLOOR_US, out);
        assertThat(delivered(1)).containsExactly(0L, 2L);
        assertThat(requests()).isZero();
    }
}
