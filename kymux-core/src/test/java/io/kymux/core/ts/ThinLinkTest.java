package io.kymux.core.ts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The TS viewer's thin-link verdict: 4 Mb/s stream (500 kB/s), 150 ms budget. */
class ThinLinkTest {

    static final double STREAM = 4_000_000;

    @Test
    void aSlowRateAloneIsNoEvidence() {
        ThinLink l = new ThinLink(150_000);
        // a lone 376-byte write acked after 150 ms: 2.5 kB/s, but nothing is waiting
        assertThat(l.update(2_500, STREAM, 0)).isFalse();
        assertThat(l.update(2_500, STREAM, 60_000)).as("unread for less than half the budget").isFalse();
    }

    @Test
    void aSlowLinkThatIsBehindIsThinUntilItShowsTheWholeStream() {
        ThinLink l = new ThinLink(150_000);
        assertThat(l.update(250_000, STREAM, 80_000)).isTrue();
        assertThat(l.update(250_000, STREAM, 0)).as("paced, it is seldom behind; it stays thin").isTrue();
        assertThat(l.update(450_000, STREAM, 0)).as("90 % of the stream").isTrue();
        assertThat(l.update(520_000, STREAM, 0)).as("the whole stream").isFalse();
        assertThat(l.update(450_000, STREAM, 0)).as("not behind: not thin again").isFalse();
    }

    @Test
    void aFastLinkBehindAStallIsNotThin() {
        ThinLink l = new ThinLink(150_000);
        assertThat(l.update(2_000_000, STREAM, 300_000)).isFalse();
    }

    @Test
    void aViewerThatStopsAckingIsNotPaced() {
        ThinLink l = new ThinLink(150_000);
        assertThat(l.update(250_000, STREAM, 80_000)).isTrue();
        assertThat(l.update(-1, STREAM, 80_000)).isFalse();
    }
}
