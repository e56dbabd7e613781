package io.kymux.server.ts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kernel send buffer of a TS viewer holds one latency budget of its streams. */
class TsSendBufferTest {

    @Test
    void oneBudgetOfTheStreamWithinTheBoundsHalvedForTheKernelsDoubling() {
        assertThat(TsViewerHandler.sendBufferFor(4_000_000, 150_000)).isEqualTo(75_000 / 2);
        assertThat(TsViewerHandler.sendBufferFor(0, 150_000)).as("before a rate is known")
                .isEqualTo(TsViewerHandler.MIN_SEND_BUFFER / 2);
        assertThat(TsViewerHandler.sendBufferFor(1e9, 1_000_000)).isEqualTo(TsViewerHandler.MAX_SEND_BUFFER / 2);
    }
}
