package io.kymux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ViewerReportsTest {

    @Test
    void recordsSamplesAndCounters() {
        ViewerReports r = new ViewerReports(new ServerMetrics());
        r.accept(1, "{\"type\":\"stats\",\"latencyMs\":[20,30,40,-5,999999],\"videoFramesDecoded\":90,\"fps\":30}");
        ViewerReports.Snapshot s = r.get(1).snapshot();
        assertThat(s.samples()).as("negative and absurd values ignored").isEqualTo(3);
        assertThat(s.latencyP50Ms()).isEqualTo(30);
        assertThat(s.videoFramesDecoded()).isEqualTo(90);
    }

    @Test
    void hostileReportsAreRejectedWithAReason() {
        ViewerReports r = new ViewerReports(new ServerMetrics());
        assertThatThrownBy(() -> r.accept(1, "{nope")).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> r.accept(1, "{\"type\":\"x\"}")).hasMessageContaining("unknown message type");
        assertThatThrownBy(() -> r.accept(1, "{\"type\":\"stats\",\"latencyMs\":[" + "1,".repeat(1000) + "1]}"))
                .hasMessageContaining("more than 1000");
        Random rnd = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[rnd.nextInt(60)];
            rnd.nextBytes(b);
            try {
                r.accept(2, "{\"type\":\"stats\"," + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException expected) {
                // the documented rejection
            }
        }
    }
}
