package io.kymux.core.ts;

import static io.kymux.core.ts.TsBuilder.PMT_PID;
import static io.kymux.core.ts.TsBuilder.VIDEO_PID;
import static io.kymux.core.ts.TsBuilder.more;
import static io.kymux.core.ts.TsBuilder.pat;
import static io.kymux.core.ts.TsBuilder.pesStart;
import static io.kymux.core.ts.TsBuilder.pmt;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TsFeedTest {

    /** Collects what a feed hands it, releasing each unit. */
    static final class Collector implements TsSink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<TsUnit.Kind> kinds = new ArrayList<>();
        final List<Boolean> replayed = new ArrayList<>();

        @Override
        public void onTs(TsFeed feed, TsUnit unit) {
            bytes.writeBytes(ByteBufUtil.getBytes(unit.packets()));
            kinds.add(unit.kind());
            replayed.add(unit.replay());
            unit.packets().release();
        }
    }

    private static void publish(TsFeed feed, byte[] ts, long nowUs) {
        feed.publish(Unpooled.copiedBuffer(ts), nowUs);
    }

    @Test
    void aViewerWhoJoinsLateGetsTheTablesAndTheGopSinceTheLastKeyThenLiveBytes() {
        TsFeed feed = new TsFeed("cam");
        feed.open();
        Collector early = new Collector();
        feed.subscribe(early);
        byte[] tables = new TsBuilder().add(pat(PMT_PID), pmt(PMT_PID, 0x1b)).bytes();
        byte[] oldGop = new TsBuilder().add(pesStart(VIDEO_PID, true, TsBuilder.IDR), more(VIDEO_PID)).bytes();
        byte[] gop = new TsBuilder().add(pesStart(VIDEO_PID, true, TsBuilder.IDR), more(VIDEO_PID),
                pesStart(VIDEO_PID, false, TsBuilder.NON_IDR)).bytes();
        publish(feed, tables, 0);
        publish(feed, oldGop, 1_000);
        publish(feed, gop, 2_000);

        Collector late = new Collector();
        feed.subscribe(late);
        byte[] live = pesStart(VIDEO_PID, false, TsBuilder.NON_IDR);
        publish(feed, live, 3_000);

        assertThat(early.bytes.toByteArray()).as("a viewer from the start gets the bytes unchanged")
                .isEqualTo(new TsBuilder().add(tables, oldGop, gop, live).bytes());
        assertThat(late.bytes.toByteArray()).isEqualTo(new TsBuilder().add(tables, gop, live).bytes());
        assertThat(late.kinds.get(0)).isEqualTo(TsUnit.Kind.TABLES);
        assertThat(late.replayed).containsExactly(true, true, true, false);
        feed.close();
    }

    @Test
    void aGopTooLargeToCacheIsNotReplayedAndAnEndedProducerLeavesNothingToReplay() {
        TsFeed feed = new TsFeed("cam");
        feed.open();
        publish(feed, new TsBuilder().add(pat(PMT_PID), pmt(PMT_PID, 0x1b), pesStart(VIDEO_PID, true, TsBuilder.IDR)).bytes(), 0);
        byte[] big = new byte[188 * 1024];
        for (int i = 0; i < 1024; i++) {
            System.arraycopy(more(VIDEO_PID), 0, big, i * 188, 188);
        }
        for (long sent = 0; sent <= TsFeed.MAX_GOP_BYTES; sent += big.length) {
            publish(feed, big, 1_000);
        }
        Collector late = new Collector();
        feed.subscribe(late);
        assertThat(late.kinds).as("only the tables").containsExactly(TsUnit.Kind.TABLES);
        feed.unsubscribe(late);

        feed.close();
        Collector afterEnd = new Collector();
        feed.subscribe(afterEnd);
        assertThat(afterEnd.kinds).isEmpty();
    }
}
