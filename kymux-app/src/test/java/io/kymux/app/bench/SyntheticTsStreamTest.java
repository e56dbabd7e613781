package io.kymux.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.ts.TsGrouper;
import io.kymux.core.ts.TsUnit;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bench's TS load is grouped by a relay exactly as it means: a keyframe every GOP, nothing else. */
class SyntheticTsStreamTest {

    @Test
    void onlyEveryGopsFirstFrameStartsARandomAccessGroup() {
        int gop = 120;
        SyntheticTsStream stream = new SyntheticTsStream(URI.create("http://127.0.0.1:1/ts/x"), 4_000_000, 60, gop, 2000,
                new AtomicLong());
        TsGrouper grouper = new TsGrouper();
        List<Long> keyFrames = new ArrayList<>();
        for (long i = 0; i < 2000; i++) {
            List<TsUnit> out = new ArrayList<>();
            grouper.accept(Unpooled.wrappedBuffer(stream.frame(i, i % gop == 0)), i, out);
            for (TsUnit u : out) {
                if (u.kind() == TsUnit.Kind.MEDIA && u.start() && u.key()) {
                    keyFrames.add(i);
                }
                u.packets().release();
            }
        }
        // frames 435 and 440 once carried 00 00 01 B3 and 00 00 01 B8 in their frame number
        assertThat(keyFrames).containsExactly(0L, 120L, 240L, 360L, 480L, 600L, 720L, 840L, 960L, 1080L, 1200L, 1320L,
                1440L, 1560L, 1680L, 1800L, 1920L);
    }
}
