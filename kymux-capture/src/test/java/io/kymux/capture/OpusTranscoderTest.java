package io.kymux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input to the MP2 → Opus transcoder costs the bytes it came in, never the stream (seeded). */
class OpusTranscoderTest {

    @Test
    void garbageAndTruncatedFramesAreSkippedWithoutAnError() {
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET); // 2000 "Header missing"
        CollectingSink sink = new CollectingSink();
        Random random = new Random(2);
        try (OpusTranscoder t = new OpusTranscoder("mp2", 64_000, sink)) {
            for (int i = 0; i < 2000; i++) {
                byte[] b = new byte[1 + random.nextInt(1500)];
                random.nextBytes(b);
                if (random.nextBoolean()) { // an MPEG audio sync word in front: the decoder reads further
                    b[0] = (byte) 0xFF;
                    if (b.length > 1) {
                        b[1] = (byte) 0xFD;
                    }
                }
                t.accept(Unpooled.wrappedBuffer(b), 1_000_000L + i * 24_000L);
            }
            assertThat(sink.header.codec()).as("the Opus header at once").isEqualTo(io.kymux.core.packet.CodecId.OPUS);
            assertThat(t.rejected()).as("refused input, counted").isPositive();
        }
        sink.releaseAll();
    }
}
