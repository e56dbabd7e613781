package io.kymux.core.ts;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.media.SourceClock;
import io.kymux.core.opus.OpusHead;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Opus in MPEG-TS: access units behind opus_control_headers, as FFmpeg's muxer writes them. */
class OpusInTsTest {

    /** A PES payload of two access units: the first with a start trim of 312, the second 300 bytes long. */
    static ByteBuf twoUnits() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {0x7f, (byte) 0xf0, 3, 0x01, 0x38, (byte) 0xfc, 1, 2}); // start trim 0x138
        b.writeBytes(new byte[] {0x7f, (byte) 0xe0, (byte) 0xff, 45}); // au_size 255 + 45
        b.writeByte(0xfc);
        b.writeZero(299);
        return b;
    }

    @Test
    void twoAccessUnitsBecomeAnOpusHeadAndTwoPackets20MsApart() {
        PesPacketizer p = new PesPacketizer(SourceClock.mpegTs());
        List<PacketStreamEvent> out = new ArrayList<>();
        p.accept(new TsDemuxer.Pes(0x100, PesPacketizer.OPUS, 90_000, TsDemuxer.Pes.NONE, false, twoUnits()), 1_000_000, out);
        assertThat(out.get(0)).isEqualTo(StreamHeader.audio(CodecId.OPUS));
        MediaPacket head = (MediaPacket) out.get(1);
        assertThat(head.config()).isTrue();
        assertThat(OpusHead.parse(head.payload())).hasValue(new OpusHead(2, 312, OpusHead.DECODE_RATE));
        MediaPacket a = (MediaPacket) out.get(2);
        MediaPacket b = (MediaPacket) out.get(3);
        assertThat(a.payload().readableBytes()).isEqualTo(3);
        assertThat(b.payload().readableBytes()).isEqualTo(300);
        assertThat(b.ptsUs() - a.ptsUs()).as("a CELT 20 ms frame (TOC 0xFC)").isEqualTo(20_000);
        assertThat(a.key() && b.key()).isTrue();
        assertThat(out).hasSize(4);
        out.stream().filter(e -> e instanceof MediaPacket).forEach(e -> ((MediaPacket) e).release());
    }

    @Test
    void packetDurationsFollowTheTocConfigAndFrameCount() {
        assertThat(OpusHead.packetDurationUs(Unpooled.wrappedBuffer(new byte[] {(byte) 0xfc}), 0, 1)).isEqualTo(20_000);
        assertThat(OpusHead.packetDurationUs(Unpooled.wrappedBuffer(new byte[] {(byte) (0x08 | 1)}), 0, 1))
                .as("SILK NB 20 ms, two frames").isEqualTo(40_000);
        assertThat(OpusHead.packetDurationUs(Unpooled.wrappedBuffer(new byte[] {(byte) (0x80 | 3), 3}), 0, 2))
                .as("CELT 2.5 ms, three frames").isEqualTo(7_500);
    }

    @Test
    void truncatedOrRandomPayloadsEndThatPesOnly() {
        Random r = new Random(23);
        for (int n = 0; n < 2000; n++) {
            ByteBuf b = twoUnits();
            int cut = r.nextInt(b.readableBytes() + 1);
            ByteBuf payload;
            if (r.nextBoolean()) {
                payload = b.slice(0, cut); // shares b's count: released with it
            } else {
                b.release();
                payload = Unpooled.wrappedBuffer(randomBytes(r));
            }
            PesPacketizer p = new PesPacketizer(SourceClock.mpegTs());
            List<PacketStreamEvent> out = new ArrayList<>();
            p.accept(new TsDemuxer.Pes(0x100, PesPacketizer.OPUS, 90_000, TsDemuxer.Pes.NONE, false, payload), 0, out);
            for (PacketStreamEvent e : out) {
                if (e instanceof MediaPacket m) {
                    assertThat(m.payload().readableBytes()).isPositive();
                    m.release();
                }
            }
        }
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(64)];
        r.nextBytes(b);
        if (b.length > 1 && r.nextBoolean()) {
            b[0] = 0x7f;
            b[1] = (byte) (0xe0 | r.nextInt(32));
        }
        return b;
    }
}
