package io.kymux.core.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.core.media.TrackInfo;
import io.kymux.core.packet.CodecId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ControlCodecTest {

    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    static List<ControlMessage> samples() {
        return List.of(
                new ControlMessage.Hello(1, "stream/front/large", "s3cret", 10),
                new ControlMessage.Welcome(42, true, 1350, 2),
                new ControlMessage.Track(0, "video0", TrackInfo.video(CodecId.H264, "avc1.42C01E", 1280, 720)),
                new ControlMessage.Track(1, "audio0", TrackInfo.audio(CodecId.OPUS, "opus", 48000, 2)),
                new ControlMessage.KeyframeRequest(0),
                new ControlMessage.Stats(12_000, 100, 2, 5, 1, 800, 2, 35_000),
                new ControlMessage.TrackState(1, ControlMessage.TrackState.MUTED),
                new ControlMessage.Error(403, "input not allowed: view-only session"));
    }

    @Test
    void helloVector() {
        ByteBuf b = ControlCodec.encode(new ControlMessage.Hello(1, "cam", "", 0), alloc);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("01" + "00000009" + "01" + "0003" + "63616d" + "0000" + "00");
        b.release();
    }

    @Test
    void aWelcomeWithoutTheTrackCountIsReadAsUnknown() {
        // type 02, length 11: session 7, control 0, max datagram 1200, and no track count
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("02" + "0000000b" + "0000000000000007" + "00" + "04b0"));
        List<ControlMessage> out = new ArrayList<>();
        ControlCodec codec = new ControlCodec(alloc);
        try {
            codec.decode(in, out);
        } finally {
            codec.close();
        }
        assertThat(out).containsExactly(new ControlMessage.Welcome(7, false, 1200, ControlMessage.Welcome.UNKNOWN_TRACKS));
    }

    @Test
    void everyMessageRoundTripsWhateverTheChunking() {
        ByteBuf all = Unpooled.buffer();
        for (ControlMessage m : samples()) {
            ByteBuf b = ControlCodec.encode(m, alloc);
            all.writeBytes(b);
            b.release();
        }
        ControlMessage.Config config = new ControlMessage.Config(0, 123, new byte[] {0, 0, 0, 1, 0x67, 0x42});
        ByteBuf cb = ControlCodec.encode(config, alloc);
        all.writeBytes(cb);
        cb.release();
        Random r = new Random(1);
        for (int round = 0; round < 20; round++) {
            ControlCodec codec = new ControlCodec(alloc);
            List<ControlMessage> out = new ArrayList<>();
            ByteBuf in = all.duplicate();
            while (in.isReadable()) {
                codec.decode(in.readSlice(Math.min(in.readableBytes(), 1 + r.nextInt(20))), out);
            }
            assertThat(out.subList(0, samples().size())).isEqualTo(samples());
            ControlMessage.Config got = (ControlMessage.Config) out.get(samples().size());
            assertThat(got.payload()).isEqualTo(config.payload());
            codec.close();
        }
    }

    @Test
    void hostileInputIsRejectedClearly() {
        assertThatThrownBy(() -> decode("09 00000000")).hasMessageContaining("unknown control message type 9");
        assertThatThrownBy(() -> decode("04 7fffffff")).hasMessageContaining("limit");
        assertThatThrownBy(() -> decode("05 00000000")).hasMessageContaining("truncated");
        assertThatThrownBy(() -> decode("05 00000002 0000")).hasMessageContaining("extra bytes");
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            ControlCodec c = new ControlCodec(alloc);
            try {
                c.decode(Unpooled.wrappedBuffer(b), new ArrayList<>());
            } catch (IllegalArgumentException expected) {
                // a clear error for that connection
            } finally {
                c.close();
            }
        }
    }

    private void decode(String hex) {
        ControlCodec c = new ControlCodec(alloc);
        try {
            c.decode(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", ""))), new ArrayList<>());
        } finally {
            c.close();
        }
    }
}
