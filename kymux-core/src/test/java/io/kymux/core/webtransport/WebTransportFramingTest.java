package io.kymux.core.webtransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Varints against RFC 9000 §A.1, WebTransport stream headers and datagrams, the message framing, fuzzing. */
class WebTransportFramingTest {

    static ByteBuf hex(String h) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(h));
    }

    /** The bytes as hex; the buffer is released (every buffer a test makes is). */
    static String dump(ByteBuf b) {
        try {
            return ByteBufUtil.hexDump(b);
        } finally {
            b.release();
        }
    }

    @Test
    void varintsMatchRfc9000Examples() {
        assertThat(QuicVarint.read(hex("c2197c5eff14e88c"))).isEqualTo(151_288_809_941_952_652L);
        assertThat(QuicVarint.read(hex("9d7f3e7d"))).isEqualTo(494_878_333L);
        assertThat(QuicVarint.read(hex("7bbd"))).isEqualTo(15_293);
        assertThat(QuicVarint.read(hex("25"))).isEqualTo(37);
        assertThat(QuicVarint.read(hex("4025"))).isEqualTo(37);
        for (long v : new long[] {151_288_809_941_952_652L, 494_878_333L, 15_293, 37, 0, 63, 64, 16383, 16384, QuicVarint.MAX}) {
            ByteBuf b = Unpooled.buffer();
            QuicVarint.write(b, v);
            assertThat(b.readableBytes()).isEqualTo(QuicVarint.size(v));
            assertThat(QuicVarint.read(b)).isEqualTo(v);
            b.release();
        }
        ByteBuf enc = Unpooled.buffer();
        QuicVarint.write(enc, 15_293);
        assertThat(dump(enc)).isEqualTo("7bbd");
        assertThatThrownBy(() -> QuicVarint.size(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamHeadersAndDatagrams() {
        ByteBuf uni = WebTransportFraming.uniStreamHeader(Unpooled.buffer().alloc(), 4);
        assertThat(ByteBufUtil.hexDump(uni)).isEqualTo("405404");
        // each browser message on a unidirectional stream: varint length first
        assertThat(dump(WebTransportFraming.messageLength(Unpooled.buffer().alloc(), 14))).isEqualTo("0e");
        assertThat(dump(WebTransportFraming.messageLength(Unpooled.buffer().alloc(), 8014))).isEqualTo("5f4e");
        ByteBuf bidi = hex("404104"); // what a browser writes ahead of its bidirectional stream to session 4
        assertThat(WebTransportFraming.readStreamHeader(uni, false)).contains(new WebTransportFraming.StreamHeader(false, 4));
        uni.release();
        assertThat(WebTransportFraming.readStreamHeader(bidi, true)).contains(new WebTransportFraming.StreamHeader(true, 4));
        ByteBuf partial = hex("40");
        assertThat(WebTransportFraming.readStreamHeader(partial, true)).isEmpty();
        assertThat(partial.readerIndex()).isZero();
        assertThatThrownBy(() -> WebTransportFraming.readStreamHeader(hex("0004"), false))
                .hasMessageContaining("not WebTransport");
        ByteBuf d = WebTransportFraming.datagram(Unpooled.buffer().alloc(), 8, hex("cafe"));
        assertThat(ByteBufUtil.hexDump(d)).isEqualTo("02cafe");
        assertThat(WebTransportFraming.readDatagramSession(d)).isEqualTo(8);
        assertThat(dump(d)).isEqualTo("cafe");
        assertThatThrownBy(() -> WebTransportFraming.readDatagramSession(Unpooled.buffer())).hasMessageContaining("truncated");
    }

    @Test
    void messagesSurviveAnySplitAndOversizeIsRefused() {
        String[] msgs = {"{\"type\":\"keyframe\",\"track\":0}", "", "x".repeat(20_000), "{\"type\":\"stats\"}"};
        ByteBuf all = Unpooled.buffer();
        for (String m : msgs) {
            ByteBuf e = MessageFraming.encode(Unpooled.buffer().alloc(), m);
            all.writeBytes(e);
            e.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        Random r = new Random(3);
        for (int round = 0; round < 200; round++) {
            MessageFraming f = new MessageFraming(Unpooled.buffer().alloc());
            List<String> out = new ArrayList<>();
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + r.nextInt(3000));
                f.decode(Unpooled.wrappedBuffer(bytes, at, n), out);
                at += n;
            }
            assertThat(out).containsExactly(msgs);
            f.close();
        }
        MessageFraming f = new MessageFraming(Unpooled.buffer().alloc());
        ByteBuf huge = Unpooled.buffer();
        QuicVarint.write(huge, MessageFraming.MAX_MESSAGE + 1);
        assertThatThrownBy(() -> f.decode(huge, new ArrayList<>())).hasMessageContaining("at most");
        huge.release();
        f.close();
    }

    @Test
    void randomBytesNeverThrowAnythingButIllegalArgument() {
        Random r = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            byte[] g = new byte[r.nextInt(12)];
            r.nextBytes(g);
            try {
                Optional<WebTransportFraming.StreamHeader> h = WebTransportFraming.readStreamHeader(Unpooled.wrappedBuffer(g), r.nextBoolean());
                h.ifPresent(x -> assertThat(x.sessionId() % 4).isZero());
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            try {
                WebTransportFraming.readDatagramSession(Unpooled.wrappedBuffer(g));
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
