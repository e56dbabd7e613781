package io.kymux.core.ts;

import static io.kymux.core.ts.TsBuilder.AUDIO_PID;
import static io.kymux.core.ts.TsBuilder.PMT_PID;
import static io.kymux.core.ts.TsBuilder.VIDEO_PID;
import static io.kymux.core.ts.TsBuilder.more;
import static io.kymux.core.ts.TsBuilder.pat;
import static io.kymux.core.ts.TsBuilder.pesStart;
import static io.kymux.core.ts.TsBuilder.pmt;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TsGrouperTest {

    private final List<TsUnit> units = new ArrayList<>();

    @AfterEach
    void release() {
        units.forEach(u -> u.packets().release());
    }

    private List<TsUnit> group(TsGrouper g, long nowUs, byte[] bytes) {
        ByteBuf run = Unpooled.wrappedBuffer(bytes);
        int from = units.size();
        g.accept(run, nowUs, units);
        run.release();
        return units.subList(from, units.size());
    }

    /** kind, start, key and packet count of each unit, as one string. */
    private static String shape(List<TsUnit> us) {
        StringBuilder b = new StringBuilder();
        for (TsUnit u : us) {
            b.append(u.kind()).append(u.start() ? "+start" : "").append(u.key() ? "+key" : "")
                    .append(" x").append(u.bytes() / 188).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void packetsBeforeTheProgramIsKnownAreUngrouped() {
        TsGrouper g = new TsGrouper();
        assertThat(shape(group(g, 0, new TsBuilder().add(pesStart(VIDEO_PID, true, TsBuilder.IDR), more(VIDEO_PID)).bytes())))
                .isEqualTo("UNGROUPED x2");
        assertThat(g.videoPid()).isEqualTo(-1);
    }

    @Test
    void aGroupRunsFromOneVideoUnitStartToTheNextWithTheAudioBetween() {
        TsGrouper g = new TsGrouper();
        byte[] ts = new TsBuilder().add(pat(PMT_PID), pmt(PMT_PID, 0x1b),
                more(VIDEO_PID), // the tail of a PES from before: no group yet
                pesStart(VIDEO_PID, true, TsBuilder.SPS), more(VIDEO_PID), pesStart(AUDIO_PID, false), more(VIDEO_PID),
                pesStart(VIDEO_PID, false, TsBuilder.NON_IDR), more(VIDEO_PID)).bytes();
        List<TsUnit> us = group(g, 5_000, ts);
        assertThat(g.videoPid()).isEqualTo(VIDEO_PID);
        assertThat(shape(us)).isEqualTo("TABLES x2 UNGROUPED x1 MEDIA+start+key x4 MEDIA+start x2");
        assertThat(us.get(2).group()).isLessThan(us.get(3).group());
        assertThat(us.get(3).ingestUs()).isEqualTo(5_000);
    }

    @Test
    void aKeyIsSeenByItsRandomAccessFlagOrByItsFirstNalOrStartCode() {
        TsGrouper h264 = new TsGrouper();
        group(h264, 0, new TsBuilder().add(pat(PMT_PID), pmt(PMT_PID, 0x1b)).bytes());
        assertThat(shape(group(h264, 0, new TsBuilder().add(pesStart(VIDEO_PID, false, TsBuilder.IDR),
                pesStart(VIDEO_PID, false, TsBuilder.NON_IDR), pesStart(VIDEO_PID, true, TsBuilder.NON_IDR)).bytes())))
                .isEqualTo("MEDIA+start+key x1 MEDIA+start x1 MEDIA+start+key x1");

        TsGrouper mpeg1 = new TsGrouper();
        group(mpeg1, 0, new TsBuilder().add(pat(PMT_PID), pmt(PMT_PID, 0x01)).bytes());
        assertThat(shape(group(mpeg1, 0, new TsBuilder().add(pesStart(VIDEO_PID, false, TsBuilder.MPEG_SEQUENCE),
                pesStart(VIDEO_PID, false, TsBuilder.MPEG_PICTURE)).bytes())))
                .isEqualTo("MEDIA+start+key x1 MEDIA+start x1");
    }

    @Test
    void tablesInsideAGroupSplitItAndTheGroupGoesOnAcrossRuns() {
        TsGrouper g = new TsGrouper();
        group(g, 0, new TsBuilder().add(pat(PMT_PID), pmt(PMT_PID, 0x1b)).bytes());
        List<TsUnit> first = new ArrayList<>(group(g, 1_000, new TsBuilder().add(pesStart(VIDEO_PID, true, TsBuilder.IDR),
                pat(PMT_PID), more(VIDEO_PID)).bytes()));
        List<TsUnit> second = group(g, 9_000, more(VIDEO_PID));
        assertThat(shape(first)).isEqualTo("MEDIA+start+key x1 TABLES x1 MEDIA+key x1");
        assertThat(shape(second)).isEqualTo("MEDIA+key x1");
        assertThat(second.get(0).group()).isEqualTo(first.get(0).group());
        assertThat(second.get(0).ingestUs()).as("a group's time is its first packet's").isEqualTo(1_000);
    }

    @Test
    void anyBytesAreCutIntoUnitsThatHoldEveryPacketOnceInOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            TsGrouper g = new TsGrouper();
            TsBuilder b = new TsBuilder();
            int packets = 1 + random.nextInt(40);
            for (int i = 0; i < packets; i++) {
                byte[] p = new byte[188];
                random.nextBytes(p);
                p[0] = 0x47;
                switch (random.nextInt(6)) {
                    case 0 -> p = pat(random.nextBoolean() ? PMT_PID : random.nextInt(0x2000));
                    case 1 -> { // a PMT with random section bytes after a valid start
                        byte[] q = pmt(PMT_PID, random.nextInt(256));
                        for (int j = 7 + random.nextInt(20); j < 188; j++) {
                            q[j] = (byte) random.nextInt(256);
                        }
                        p = q;
                    }
                    case 2 -> p[1] = (byte) (p[1] & 0xe0 | VIDEO_PID >> 8); // video PID with random flags
                    default -> { }
                }
                b.add(p);
            }
            byte[] all = b.bytes();
            List<TsUnit> us = group(g, round, all);
            ByteBuf joined = Unpooled.buffer();
            for (TsUnit u : us) {
                assertThat(u.bytes() % 188).isZero();
                joined.writeBytes(u.packets(), u.packets().readerIndex(), u.bytes());
            }
            assertThat(io.netty.buffer.ByteBufUtil.getBytes(joined)).isEqualTo(all);
            joined.release();
        }
    }
}
