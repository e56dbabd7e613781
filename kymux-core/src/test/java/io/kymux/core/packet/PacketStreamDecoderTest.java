package io.kymux.core.packet;

import static io.kymux.core.TestBufs.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketStreamDecoderTest {

    /** The vector of docs/protocol/packet-stream.md. */
    static final String VECTOR = """
            68323634 00000500 000002d0
            8000000000000000 00000004 00000001
            40061c54b5038000 00000003 650102
            00061c54b50400e8 00000002 4101
            """;

    @Test
    void decodesTheSpecVectorByteByByte() {
        ByteBuf in = hex(VECTOR);
        PacketStreamDecoder d = new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT);
        List<PacketStreamEvent> out = new ArrayList<>();
        while (in.isReadable()) {
            d.decode(in.readSlice(1), out);
        }
        d.finish();
        assertThat(out.get(0)).isEqualTo(StreamHeader.video(CodecId.H264, 1280, 720));
        MediaPacket config = (MediaPacket) out.get(1);
        assertThat(config.config()).isTrue();
        assertThat(config.key()).isFalse();
        assertThat(ByteBufUtil.hexDump(config.payload())).isEqualTo("00000001");
        MediaPacket key = (MediaPacket) out.get(2);
        assertThat(key.key()).isTrue();
        assertThat(key.config()).isFalse();
        assertThat(key.ptsUs()).isEqualTo(1_720_000_000_000_000L);
        MediaPacket delta = (MediaPacket) out.get(3);
        assertThat(delta.key()).isFalse();
        assertThat(delta.ptsUs()).isEqualTo(1_720_000_000_033_000L);
        out.stream().filter(MediaPacket.class::isInstance).forEach(e -> ((MediaPacket) e).release());
    }

    @Test
    void encoderProducesTheSpecVector() {
        ByteBuf out = Unpooled.buffer();
        PacketStreamEncoder.writeHeader(StreamHeader.video(CodecId.H264, 1280, 720), out);
        PacketStreamEncoder.writePacket(new MediaPacket(0, true, false, hex("00000001")), out);
        PacketStreamEncoder.writePacket(new MediaPacket(1_720_000_000_000_000L, false, true, hex("650102")), out);
        PacketStreamEncoder.writePacket(new MediaPacket(1_720_000_000_033_000L, false, false, hex("4101")), out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(VECTOR.replaceAll("\\s", ""));
    }

    @Test
    void audioHeaderHasNoDimensions() {
        List<PacketStreamEvent> out = new ArrayList<>();
        new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT).decode(hex("6f707573"), out);
        assertThat(out).containsExactly(StreamHeader.audio(CodecId.OPUS));
    }

    @Test
    void randomValidStreamsRoundTripInRandomChunks() {
        Random rnd = new Random(42);
        for (int iter = 0; iter < 300; iter++) {
            boolean video = rnd.nextBoolean();
            StreamHeader h = video ? StreamHeader.video(CodecId.H264, 1 + rnd.nextInt(4096), 1 + rnd.nextInt(4096))
                    : StreamHeader.audio(CodecId.OPUS);
            ByteBuf wire = Unpooled.buffer();
            PacketStreamEncoder.writeHeader(h, wire);
            List<byte[]> payloads = new ArrayList<>();
            List<Long> flags = new ArrayList<>();
            int n = rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                byte[] p = new byte[1 + rnd.nextInt(3000)];
                rnd.nextBytes(p);
                long pts = rnd.nextLong() & PacketFlags.PTS_MASK;
                boolean config = rnd.nextInt(5) == 0;
                boolean key = rnd.nextBoolean();
                payloads.add(p);
                flags.add(PacketFlags.encode(pts, config, key));
                PacketStreamEncoder.writePacket(new MediaPacket(pts, config, key, Unpooled.wrappedBuffer(p)), wire);
            }
            PacketStreamDecoder d = new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT);
            List<PacketStreamEvent> out = new ArrayList<>();
            while (wire.isReadable()) {
                d.decode(wire.readSlice(Math.min(wire.readableBytes(), 1 + rnd.nextInt(700))), out);
            }
            d.finish();
            assertThat(out.get(0)).isEqualTo(h);
            assertThat(out).hasSize(n + 1);
            for (int i = 0; i < n; i++) {
                MediaPacket p = (MediaPacket) out.get(i + 1);
                assertThat(PacketFlags.encode(p.ptsUs(), p.config(), p.key())).isEqualTo(flags.get(i));
                assertThat(ByteBufUtil.getBytes(p.payload())).isEqualTo(payloads.get(i));
                p.release();
            }
        }
    }

    @Test
    void garbageOnlyEverRaisesTheDocumentedErrorAndStaysWithinTheSizeLimit() {
        Random rnd = new Random(7);
        int limit = 4096;
        MaxTrackingAllocator alloc = new MaxTrackingAllocator();
        for (int iter = 0; iter < 3000; iter++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            if (rnd.nextBoolean() && junk.length >= 4) {
                // a valid codec id makes the decoder go further into the garbage
                System.arraycopy(new byte[] {0x68, 0x32, 0x36, 0x34}, 0, junk, 0, 4);
            }
            PacketStreamDecoder d = new PacketStreamDecoder(alloc, limit);
            List<PacketStreamEvent> out = new ArrayList<>();
            try {
                d.decode(Unpooled.wrappedBuffer(junk), out);
                d.finish();
            } catch (PacketStreamException expected) {
                assertThat(expected.getMessage()).contains("stream offset");
            } finally {
                d.close();
                out.stream().filter(MediaPacket.class::isInstance).forEach(e -> ((MediaPacket) e).release());
            }
        }
        assertThat(alloc.max).isLessThanOrEqualTo(limit);
    }

    @Test
    void oneGibibyteSizeFieldIsRejectedBeforeAllocating() {
        MaxTrackingAllocator alloc = new MaxTrackingAllocator();
        PacketStreamDecoder d = new PacketStreamDecoder(alloc);
        assertThatThrownBy(() -> d.decode(hex("6f707573 0000000000000001 40000000"), new ArrayList<>()))
                .isInstanceOf(PacketStreamException.class)
                .hasMessageContaining("packet size 1073741824 exceeds limit 16777216")
                .satisfies(e -> assertThat(((PacketStreamException) e).reason())
                        .isEqualTo(PacketStreamException.Reason.PACKET_TOO_LARGE));
        assertThat(alloc.max).isZero();
    }

    @Test
    void unknownCodecTruncationAndBadSizeAreNamed() {
        assertThatThrownBy(() -> new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT)
                .decode(hex("deadbeef"), new ArrayList<>()))
                .hasMessageContaining("unknown codec id 0xdeadbeef");
        PacketStreamDecoder d = new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT);
        d.decode(hex("6f707573 00000000"), new ArrayList<>());
        assertThatThrownBy(d::finish).hasMessageContaining("stream ended inside a packet header");
        assertThatThrownBy(() -> new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT)
                .decode(hex("68323634 00000000 00000010"), new ArrayList<>()))
                .hasMessageContaining("video size 0x16");
    }

    @Test
    void afterAnErrorTheDecoderRejectsEverything() {
        PacketStreamDecoder d = new PacketStreamDecoder(UnpooledByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> d.decode(hex("00000000"), new ArrayList<>()));
        assertThatThrownBy(() -> d.decode(hex("6f707573"), new ArrayList<>())).hasMessageContaining("already failed");
    }

    /** Records the largest buffer anyone asked for. */
    static final class MaxTrackingAllocator extends AbstractByteBufAllocator {
        int max;

        MaxTrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            max = Math.max(max, initialCapacity);
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    /** packet-stream.md, Renditions: the aligned keyframe's packet headers on three renditions. */
    @Test
    void renditionKeyframeVector() {
        long pts = 1_720_000_013_900_000L;
        String[] expected = {"40061c54b5d798e00000e1a4", "40061c54b5d798e000003840", "40061c54b5d798e0000010e0"};
        int[] sizes = {57764, 14400, 4320};
        for (int i = 0; i < 3; i++) {
            io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
            PacketStreamEncoder.writePacketHeader(pts, false, true, sizes[i], out);
            org.assertj.core.api.Assertions.assertThat(io.netty.buffer.ByteBufUtil.hexDump(out)).isEqualTo(expected[i]);
        }
    }
}
