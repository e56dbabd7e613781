package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Access units through kymux's own packetizer and back, with loss, reordering and junk. */
class H264DepacketizerTest {

    static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f};
    static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    static byte[] au(boolean key, int sliceBytes, int seed) {
        byte[] slice = new byte[sliceBytes];
        new Random(seed).nextBytes(slice);
        slice[0] = (byte) (key ? 0x65 : 0x41);
        ByteBuf b = Unpooled.buffer();
        if (key) {
            b.writeBytes(new byte[] {0, 0, 0, 1}).writeBytes(SPS).writeBytes(new byte[] {0, 0, 0, 1}).writeBytes(PPS);
        }
        b.writeBytes(new byte[] {0, 0, 0, 1}).writeBytes(slice);
        return ByteBufUtil.getBytes(b);
    }

    private static List<H264Depacketizer.AccessUnit> feed(H264Depacketizer d, List<byte[]> packets) {
        List<H264Depacketizer.AccessUnit> out = new ArrayList<>();
        for (byte[] p : packets) {
            ByteBuffer b = ByteBuffer.wrap(p);
            RtpHeader h = RtpHeader.read(b);
            d.accept(h, b, out);
        }
        return out;
    }

    @Test
    void accessUnitsComeBackAsTheyWentSingleStapAndFuA() {
        H264Packetizer p = new H264Packetizer(96, 1, 1200, 100);
        H264Depacketizer d = new H264Depacketizer(1 << 20);
        byte[] key = au(true, 5000, 1); // SPS+PPS in a STAP-A, the slice in FU-A fragments
        byte[] delta = au(false, 300, 2); // a single NAL unit
        List<byte[]> packets = new ArrayList<>(p.packetize(Unpooled.wrappedBuffer(key), 1_000_000));
        packets.addAll(p.packetize(Unpooled.wrappedBuffer(delta), 1_033_333));
        List<H264Depacketizer.AccessUnit> out = feed(d, packets);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).key()).isTrue();
        assertThat(ByteBufUtil.getBytes(out.get(0).annexB())).isEqualTo(key);
        assertThat(out.get(1).key()).isFalse();
        assertThat(ByteBufUtil.getBytes(out.get(1).annexB())).isEqualTo(delta);
        assertThat(out.get(1).rtpTimestamp() - out.get(0).rtpTimestamp()).isBetween(2999L, 3000L);
        out.forEach(a -> a.annexB().release());
        assertThat(d.wantsKeyframe()).isFalse();
    }

    @Test
    void nothingBeforeTheFirstKeyAndALossWaitsForTheNextOne() {
        H264Packetizer p = new H264Packetizer(96, 1, 1200, 65_530); // the sequence wraps on the way
        H264Depacketizer d = new H264Depacketizer(1 << 20);
        List<byte[]> packets = new ArrayList<>(p.packetize(Unpooled.wrappedBuffer(au(false, 100, 3)), 0));
        packets.addAll(p.packetize(Unpooled.wrappedBuffer(au(true, 3000, 4)), 33_333));
        List<byte[]> lossy = p.packetize(Unpooled.wrappedBuffer(au(false, 3000, 5)), 66_666);
        packets.addAll(lossy.subList(0, 1));
        packets.addAll(lossy.subList(2, lossy.size())); // its second fragment is lost
        packets.addAll(p.packetize(Unpooled.wrappedBuffer(au(false, 100, 6)), 100_000));
        List<H264Depacketizer.AccessUnit> out = feed(d, packets);
        assertThat(out).extracting(H264Depacketizer.AccessUnit::key).as("the key alone").containsExactly(true);
        assertThat(d.wantsKeyframe()).as("a PLI is due").isTrue();
        out.forEach(a -> a.annexB().release());
        out = feed(d, p.packetize(Unpooled.wrappedBuffer(au(true, 2000, 7)), 133_333));
        assertThat(out).extracting(H264Depacketizer.AccessUnit::key).containsExactly(true);
        assertThat(d.wantsKeyframe()).isFalse();
        out.forEach(a -> a.annexB().release());
    }

    @Test
    void aLostMarkerEndsTheAccessUnitAtTheNextTimestamp() {
        H264Packetizer p = new H264Packetizer(96, 1, 1200, 1);
        H264Depacketizer d = new H264Depacketizer(1 << 20);
        List<byte[]> first = p.packetize(Unpooled.wrappedBuffer(au(true, 100, 8)), 0);
        first.get(first.size() - 1)[1] &= 0x7f; // clear the marker
        List<byte[]> packets = new ArrayList<>(first);
        packets.addAll(p.packetize(Unpooled.wrappedBuffer(au(false, 100, 9)), 33_333));
        List<H264Depacketizer.AccessUnit> out = feed(d, packets);
        assertThat(out).extracting(H264Depacketizer.AccessUnit::key).containsExactly(true, false);
        out.forEach(a -> a.annexB().release());
    }

    @Test
    void paddingOnlyPacketsBreakNothing() {
        H264Packetizer p = new H264Packetizer(96, 1, 1200, 1);
        H264Depacketizer d = new H264Depacketizer(1 << 20);
        List<byte[]> key = p.packetize(Unpooled.wrappedBuffer(au(true, 100, 10)), 0); // numbers 1 and 2
        List<H264Depacketizer.AccessUnit> out = feed(d, key);
        d.accept(new RtpHeader(false, 96, 1 + key.size(), 0, 1), ByteBuffer.allocate(0), out); // a probe between frames
        List<byte[]> next = p.packetize(Unpooled.wrappedBuffer(au(false, 100, 11)), 33_333);
        for (byte[] n : next) { // numbered after the probe
            int seq = ((n[2] & 0xff) << 8 | n[3] & 0xff) + 1;
            n[2] = (byte) (seq >> 8);
            n[3] = (byte) seq;
        }
        out.addAll(feed(d, next));
        assertThat(out).extracting(H264Depacketizer.AccessUnit::key).containsExactly(true, false);
        assertThat(d.wantsKeyframe()).isFalse();
        out.forEach(a -> a.annexB().release());
    }

    @Test
    void randomPayloadsHarmNothing() {
        Random r = new Random(11);
        H264Depacketizer d = new H264Depacketizer(64 * 1024);
        List<H264Depacketizer.AccessUnit> out = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[r.nextInt(1400)];
            r.nextBytes(payload);
            d.accept(new RtpHeader(r.nextInt(8) == 0, 96, r.nextInt(20) == 0 ? r.nextInt(65536) : i & 0xffff,
                    i / 5 * 3000L, 1), ByteBuffer.wrap(payload), out);
        }
        out.forEach(a -> a.annexB().release());
        d.close();
    }
}
