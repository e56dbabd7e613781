package io.kymux.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.session.QueueLimits;
import io.kymux.core.session.Session;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What /metrics says: drops of connected viewers as well as closed ones, and what every metric means. */
class KymuxMetricsTest {

    @Test
    void droppedFramesOfLiveAndClosedSessionsAreCounted() {
        Kymux k = new Kymux(ServerConfig.defaults(), () -> 0L);
        Feed feed = k.feeds().getOrCreate("v").orElseThrow();
        feed.open(StreamHeader.video(CodecId.H264, 320, 240));
        Session s = new Session(k.nextSessionId(), "v", List.of(feed), new QueueLimits(2, 1 << 20, 150_000), () -> { });
        k.register(s);
        s.start(0);
        for (int i = 0; i < 5; i++) { // nobody drains: the third frame overflows, the rest wait for a keyframe
            feed.publish(new MediaPacket(i, false, i == 0, Unpooled.wrappedBuffer(new byte[10])), i);
        }
        long dropped = s.stats().drops().total();
        assertThat(dropped).isPositive();
        assertThat(k.metrics().scrape()).contains("kymux_frames_dropped_total " + (double) dropped);
        s.close();
        k.unregister(s);
        assertThat(k.metrics().scrape()).contains("kymux_frames_dropped_total " + (double) dropped);
        feed.dispose();
    }

    @Test
    void everyMetricHasAHelpText() {
        Kymux k = new Kymux(ServerConfig.defaults(), () -> 0L);
        k.metrics().ingestError("rejected");
        k.metrics().viewerLatency().record(12);
        k.metrics().badViewerMessage();
        String scrape = k.metrics().scrape();
        List<String> help = scrape.lines().filter(l -> l.startsWith("# HELP ")).toList();
        assertThat(help).as(scrape).hasSizeGreaterThanOrEqualTo(8);
        for (String name : List.of("kymux_frames_in_total", "kymux_frames_out_total", "kymux_bytes_out_total",
                "kymux_sessions", "kymux_viewer_latency_milliseconds", "kymux_ingest_errors_total",
                "kymux_viewer_bad_messages_total", "kymux_frames_dropped_total")) {
            assertThat(help).as(name).anySatisfy(l -> assertThat(l).startsWith("# HELP " + name + " "));
        }
        // "# HELP name text": the text is more than a word or two
        assertThat(help).allSatisfy(l -> assertThat(l.split(" ", 4)).hasSize(4)
                .satisfies(parts -> assertThat(parts[3].strip().length()).as(l).isGreaterThan(20)));
    }
}
