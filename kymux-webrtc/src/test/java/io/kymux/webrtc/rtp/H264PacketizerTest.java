package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 6184 mode 1: a depacketizer written from the RFC gets the same NAL units back. */
public class H264PacketizerTest {

    public static byte[] nal(int header, int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            if (b[i] == 0) {
                b[i] = 1; // no start-code emulation in this synthetic payload
            }
        }
        return b;
    }

    public static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            o.writeBytes(new byte[] {0, 0, 0, 1});
            o.writeBytes(n);
        }
        return o.toByteArray();
    }

    /** Undoes single NAL, STAP-A and FU-A into Annex B. */
    public static byte[] depacketize(List<byte[]> packets) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : packets) {
            ByteBuffer b = ByteBuffer.wrap(p);
            RtpHeader.read(b);
            int type = b.get(b.position()) & 0x1f;
            if (type == H264Packetizer.STAP_A) {
                b.get();
                while (b.hasRemaining()) {
                    byte[] n = new byte[b.getShort() & 0xffff];
                    b.get(n);
                    o.writeBytes(new byte[] {0, 0, 0, 1});
                    o.writeBytes(n);
                }
            } else if (type == H264Packetizer.FU_A) {
                byte indicator = b.get();
                byte fu = b.get();
                if ((fu & 0x80) != 0) {
                    o.writeBytes(new byte[] {0, 0, 0, 1, (byte) ((indicator & 0xe0) | (fu & 0x1f))});
                }
                byte[] rest = new byte[b.remaining()];
                b.get(rest);
                o.writeBytes(rest);
            } else {
                byte[] n = new byte[b.remaining()];
                b.get(n);
                o.writeBytes(new byte[] {0, 0, 0, 1});
                o.writeBytes(n);
            }
        }
        return o.toByteArray();
    }

    @Test
    void keyframeWithParameterSetsRoundTrips() {
        byte[] sps = nal(0x67, 12, 1);
        byte[] pps = nal(0x68, 4, 2);
        byte[] idr = nal(0x65, 5000, 3);
        H264Packetizer p = new H264Packetizer(102, 0x1234, 1200, 65534);
        List<byte[]> packets = p.packetize(Unpooled.wrappedBuffer(annexB(sps, pps, idr)), 1_000_000);
        assertThat(packets.get(0)[RtpHeader.SIZE] & 0x1f).as("SPS and PPS in one STAP-A").isEqualTo(24);
        assertThat(packets).hasSize(1 + 5);
        for (byte[] pk : packets) {
            assertThat(pk.length).isLessThanOrEqualTo(1200);
        }
        ByteBuffer last = ByteBuffer.wrap(packets.get(packets.size() - 1));
        RtpHeader h = RtpHeader.read(last);
        assertThat(h.marker()).as("marker on the last packet of the access unit").isTrue();
        assertThat(h.timestamp()).isEqualTo(90_000);
        assertThat(h.sequence()).as("sequence wraps").isEqualTo((65534 + 5) & 0xffff);
        assertThat(RtpHeader.read(ByteBuffer.wrap(packets.get(0))).marker()).isFalse();
        assertThat(depacketize(packets)).isEqualTo(annexB(sps, pps, idr));
    }

    @Test
    void smallDeltaFrameIsOneSingleNalPacket() {
        byte[] slice = nal(0x41, 300, 4);
        List<byte[]> packets = new H264Packetizer(102, 1, 1200, 0).packetize(Unpooled.wrappedBuffer(annexB(slice)), 33_333);
        assertThat(packets).hasSize(1);
        assertThat(depacketize(packets)).isEqualTo(annexB(slice));
        assertThat(RtpHeader.read(ByteBuffer.wrap(packets.get(0))).marker()).isTrue();
    }

    @Test
    void twoHundredKilobyteKeyframeRoundTripsInFuAFragments() {
        byte[] sps = nal(0x67, 12, 5);
        byte[] pps = nal(0x68, 4, 6);
        byte[] idr = nal(0x65, 200 * 1024, 7);
        List<byte[]> packets = new H264Packetizer(102, 9, 1184, 40_000).packetize(
                Unpooled.wrappedBuffer(annexB(sps, pps, idr)), 2_000_000);
        assertThat(packets).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(1184));
        assertThat(packets).hasSize(1 + (int) Math.ceil((idr.length - 1) / (double) (1184 - 12 - 2)));
        assertThat(packets.subList(0, packets.size() - 1)).noneMatch(p -> RtpHeader.read(ByteBuffer.wrap(p)).marker());
        assertThat(depacketize(packets)).isEqualTo(annexB(sps, pps, idr));
    }

    /** The playout-delay block kymux sends on video (RFC 8285 one-byte header, id 5, min = max = 0). */
    @Test
    void aHeaderExtensionRidesOnEveryPacketWithinTheMtu() {
        byte[] ext = RtpHeader.oneByteExtension(5, new byte[3]);
        assertThat(ext).containsExactly((byte) 0xBE, (byte) 0xDE, 0, 1, 0x52, 0, 0, 0);
        byte[] sps = nal(0x67, 12, 8);
        byte[] pps = nal(0x68, 4, 9);
        byte[] idr = nal(0x65, 20_000, 10);
        List<byte[]> packets = new H264Packetizer(102, 9, 1200, 7, ext).packetize(
                Unpooled.wrappedBuffer(annexB(sps, pps, idr)), 1_000_000);
        assertThat(packets).allSatisfy(p -> {
            assertThat(p.length).isLessThanOrEqualTo(1200);
            assertThat(p[0] & 0x10).as("X bit").isEqualTo(0x10);
            assertThat(java.util.Arrays.copyOfRange(p, RtpHeader.SIZE, RtpHeader.SIZE + ext.length)).isEqualTo(ext);
        });
        assertThat(packets.get(1).length).as("fragments fill the MTU less the extension").isEqualTo(1200);
        assertThat(depacketize(packets)).as("a reader skips it").isEqualTo(annexB(sps, pps, idr));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RtpHeader.oneByteExtension(15, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
