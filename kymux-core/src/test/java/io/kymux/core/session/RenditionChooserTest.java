package io.kymux.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Layer choice with hysteresis: down at once, up one layer after 2 s of headroom. */
class RenditionChooserTest {

    static final long[] RATES = {4_000_000, 1_000_000, 300_000};

    @Test
    void withNoEstimateAViewerStaysWhereItIsAndANewOneStartsOnTheTop() {
        RenditionChooser c = new RenditionChooser();
        assertThat(c.choose(RATES, -1, -1, false, 0)).isEqualTo(0);
        assertThat(c.choose(RATES, 1, -1, false, 0)).isEqualTo(1);
    }

    @Test
    void goesDownAtOnceBelowNinetyPercentOfItsLayerToTheHighestLayerTheEstimateCarries() {
        RenditionChooser c = new RenditionChooser();
        assertThat(c.choose(RATES, 0, 3_700_000, false, 0)).as("above 90 % of 4 Mbit/s").isEqualTo(0);
        assertThat(c.choose(RATES, 0, 3_500_000, false, 100_000)).isEqualTo(1);
        assertThat(c.choose(RATES, 0, 900_000, false, 200_000)).as("1 Mbit/s does not fit 0.9").isEqualTo(2);
        assertThat(c.choose(RATES, 0, 100_000, false, 300_000)).as("nothing fits: the lowest").isEqualTo(2);
        assertThat(c.choose(RATES, 2, 100_000, false, 400_000)).isEqualTo(2);
    }

    @Test
    void aViewerGoneFromItsLayerGetsTheHighestThatFits() {
        RenditionChooser c = new RenditionChooser();
        assertThat(c.choose(RATES, -1, 2_000_000, false, 0)).isEqualTo(1);
    }

    @Test
    void goesUpOneLayerOnlyAfterTheEstimateHeldThirtyPercentOverItForTwoSeconds() {
        RenditionChooser c = new RenditionChooser();
        long t = 0;
        for (; t < RenditionChooser.UP_HOLD_US; t += 100_000) {
            assertThat(c.choose(RATES, 2, 1_300_000, false, t)).as("at %d µs", t).isEqualTo(2);
        }
        assertThat(c.choose(RATES, 2, 1_300_000, false, t)).isEqualTo(1);
    }

    @Test
    void aDipBelowTheHeadroomStartsTheTwoSecondsAgain() {
        RenditionChooser c = new RenditionChooser();
        assertThat(c.choose(RATES, 2, 2_000_000, false, 0)).isEqualTo(2);
        assertThat(c.choose(RATES, 2, 1_200_000, false, 1_500_000)).isEqualTo(2); // below 1.3 × 1 Mbit/s
        assertThat(c.choose(RATES, 2, 2_000_000, false, 1_600_000)).isEqualTo(2);
        assertThat(c.choose(RATES, 2, 2_000_000, false, 3_500_000)).as("1.9 s since the dip").isEqualTo(2);
        assertThat(c.choose(RATES, 2, 2_000_000, false, 3_600_000)).isEqualTo(1);
    }

    @Test
    void evenAHugeEstimateClimbsOneLayerAtATime() {
        RenditionChooser c = new RenditionChooser();
        assertThat(c.choose(RATES, 2, 100_000_000, false, 0)).isEqualTo(2);
        assertThat(c.choose(RATES, 2, 100_000_000, false, 2_000_000)).isEqualTo(1);
        assertThat(c.choose(RATES, 1, 100_000_000, false, 2_100_000)).isEqualTo(1);
        assertThat(c.choose(RATES, 1, 100_000_000, false, 4_100_000)).isEqualTo(0);
        assertThat(c.choose(RATES, 0, 100_000_000, false, 9_000_000)).as("the top").isEqualTo(0);
    }

    @Test
    void lateDropsTakeAViewerDownALayerWhateverTheEstimateSays() {
        RenditionChooser c = new RenditionChooser();
        assertThat(c.choose(RATES, 0, 50_000_000, true, 0)).isEqualTo(1);
        assertThat(c.choose(RATES, 2, 50_000_000, true, 0)).as("already the lowest").isEqualTo(2);
    }
}
