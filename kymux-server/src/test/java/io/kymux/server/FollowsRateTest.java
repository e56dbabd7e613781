package io.kymux.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whose link may set a producer's bitrate. */
class FollowsRateTest {

    static final Map<String, List<String>> ASKED = Map.of("rate", List.of("follow"));

    @Test
    void aViewerThatAsksFollowsOnAServerWithoutAControlTokenAndAControllerAlways() {
        Kymux open = new Kymux(ServerConfig.defaults(), () -> 0L);
        assertThat(open.followsRate(Map.of(), false)).isFalse();
        assertThat(open.followsRate(ASKED, false)).isTrue();
        assertThat(open.followsRate(Map.of(), true)).as("the control token holder").isTrue();
    }

    @Test
    void withAControlTokenAskingNeedsTheToken() {
        Kymux guarded = new Kymux(ServerConfig.defaults().withAccess(new ServerConfig.AccessTokens(null, "s3cret")), () -> 0L);
        assertThat(guarded.followsRate(ASKED, false)).isFalse();
        assertThat(guarded.followsRate(Map.of("rate", List.of("follow"), "token", List.of("s3cret")), false)).isTrue();
    }

    @Test
    void rateFollowsViewerMakesEveryViewerFollow() {
        Kymux all = new Kymux(ServerConfig.defaults().withRateFollowsViewer(true), () -> 0L);
        assertThat(all.followsRate(Map.of(), false)).isTrue();
    }
}
