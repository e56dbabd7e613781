package io.kymux.core.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputEventCodecTest {

    static final List<InputEvent> EVENTS = List.of(
            new InputEvent.Key(1, "KeyA", true), new InputEvent.Key(2, "ShiftLeft", false),
            new InputEvent.PointerMove(3, 0, 65535), new InputEvent.PointerDelta(4, -5, 7),
            new InputEvent.Button(5, 2, true), new InputEvent.Wheel(6, 0, -3), new InputEvent.Text(7, "héllo ✓"));

    @Test
    void keyVector() {
        ByteBuf b = Unpooled.buffer();
        InputEventCodec.encode(new InputEvent.Key(0x0102030405060708L, "KeyA", true), b);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("01" + "0102030405060708" + "01" + "04" + "4b657941");
    }

    @Test
    void everyEventRoundTrips() {
        for (InputEvent e : EVENTS) {
            ByteBuf b = Unpooled.buffer();
            InputEventCodec.encode(e, b);
            assertThat(InputEventCodec.decode(b)).isEqualTo(e);
        }
    }

    @Test
    void hostileEventsAreRejected() {
        assertThatThrownBy(() -> InputEventCodec.decode(hex("09 0000000000000000"))).hasMessageContaining("unknown");
        assertThatThrownBy(() -> InputEventCodec.decode(hex("01 0000000000000000 01 02 3b3b"))).hasMessageContaining("bad key code");
        assertThatThrownBy(() -> InputEventCodec.decode(hex("04 0000000000000000 09 01"))).hasMessageContaining("bad button");
        assertThatThrownBy(() -> InputEventCodec.decode(hex("02 0000000000000000 0001"))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> InputEventCodec.decode(hex("05 0000000000000000 0001 0001 ff"))).hasMessageContaining("after");
        Random r = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[r.nextInt(24)];
            r.nextBytes(b);
            if (b.length > 0) {
                b[0] = (byte) (1 + r.nextInt(6));
            }
            try {
                InputEvent e = InputEventCodec.decode(Unpooled.wrappedBuffer(b));
                ByteBuf again = Unpooled.buffer();
                InputEventCodec.encode(e, again);
                assertThat(InputEventCodec.decode(again)).isEqualTo(e);
            } catch (IllegalArgumentException expected) {
                // malformed: a clear error
            }
        }
    }

    private static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(s.replace(" ", "")));
    }
}
