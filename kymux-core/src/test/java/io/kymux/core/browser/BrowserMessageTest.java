package io.kymux.core.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.media.Frame;
import io.kymux.core.session.QueueItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class BrowserMessageTest {

    @Test
    void layoutMatchesTheSpecVectorAndSharesThePayload() {
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {0x65, 0x01, 0x02});
        Frame f = new Frame(40, 1_720_000_000_000_000L, false, true, 0, payload); // the feed's 40th
        // the session's 7th: frames it dropped take no number
        ByteBuf msg = BrowserMessage.encode(new QueueItem.Media(1, true, f, 0, false, 7), UnpooledByteBufAllocator.DEFAULT);
        assertThat(ByteBufUtil.hexDump(msg)).isEqualTo("0101" + "00000007" + "00061c54b5038000" + "650102");
        assertThat(payload.refCnt()).as("payload shared, not copied").isEqualTo(2);
        msg.release();
        assertThat(payload.refCnt()).isEqualTo(1);
        payload.release();
    }

    @Test
    void replayFlag() {
        Frame f = new Frame(0, 0, false, false, 0, Unpooled.wrappedBuffer(new byte[] {1}));
        ByteBuf msg = BrowserMessage.encode(new QueueItem.Media(0, true, f, 0, true, 0), UnpooledByteBufAllocator.DEFAULT);
        assertThat(msg.getByte(1)).isEqualTo((byte) BrowserMessage.FLAG_REPLAY);
        msg.release();
    }
}
