package io.kymux.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kymux.server.KymuxServer;
import io.kymux.server.ServerConfig;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A few seconds of `kymux bench`: the report exists and every frame is accounted for. No timing thresholds. */
class BenchSmokeTest {

    @Test
    void shortRunProducesAReportWhoseFramesAddUp(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        int rc = new CommandLine(new BenchCommand()).execute("--viewers", "4", "--duration", "2", "--warmup", "1", "--fps", "30",
                "--bitrate", "1000000", "--gop", "30", "--slow-fraction", "0.25", "--slow-rate", "0.3",
                "--json", json.toString());
        assertThat(rc).isZero();
        JsonNode r = new ObjectMapper().readTree(Files.readString(json));
        assertThat(r.get("published").asLong()).isEqualTo(90);
        assertThat(r.get("accountingChecked").asBoolean()).isTrue();
        assertThat(r.get("accountingOk").asBoolean()).as(r.get("accountingDetail").asText()).isTrue();
        assertThat(r.get("normal").get("viewers").asInt()).isEqualTo(3);
        assertThat(r.get("slow").get("viewers").asInt()).isEqualTo(1);
        assertThat(r.get("normal").get("framesReceived").asLong()).isPositive();
        assertThat(r.get("normal").get("p99Us").asLong()).isPositive();
        assertThat(r.get("slow").get("framesReceived").asLong()).as("the slow viewer reads").isPositive();
        assertThat(r.get("heapPeakBytes").asLong()).isPositive();
    }

    @Test
    void quicViewersToo() throws Exception {
        BenchReport r = Bench.run(new BenchOptions(2, 1, 1, 500_000, 30, 30, 0, 0.5, null, 150, false, "quic", 0, 0));
        assertThat(r.accountingOk()).as(r.accountingDetail()).isTrue();
        assertThat(r.normal().framesReceived()).isPositive();
        assertThat(r.table()).contains("2 quic viewers").containsPattern("(?m)^p99 ");
    }

    @Test
    void tsViewersOfATsIngestEveryFrameStampedAndTimed() throws Exception {
        // 2 s at 30 fps, one viewer of two reading a fifth of the bitrate; relay CPU of this very process
        int pid = (int) ProcessHandle.current().pid();
        BenchReport r = Bench.run(new BenchOptions(2, 2, 0, 1_000_000, 30, 30, 0.5, 0.2, null, 150, false, "ts", 0, 0,
                null, null, pid));
        assertThat(r.published()).isEqualTo(60);
        assertThat(r.normal().framesReceived()).as("the fast viewer gets every frame whole").isEqualTo(60);
        assertThat(r.normal().framesDropped()).isZero();
        assertThat(r.slow().framesReceived() + r.slow().framesDropped()).as("the slow viewer's frames, got or dropped")
                .isEqualTo(60);
        assertThat(r.slow().framesDropped()).as("a fifth of the bitrate cannot carry them all").isPositive();
        assertThat(r.relayCpuPercent()).isPositive();
        assertThat(r.relayRssPeakBytes()).isPositive();
        assertThat(r.table()).contains("2 ts viewers").contains("relay process");
    }

    @Test
    void slowViewersCanJoinMidStream() throws Exception {
        // one of three viewers joins 1 s in, half-way through a 2 s GOP
        BenchReport r = Bench.run(new BenchOptions(3, 2, 0, 1_000_000, 30, 60, 0.34, 0.3, null, 150, true, "websocket", 1, 0));
        assertThat(r.accountingOk()).as(r.accountingDetail()).isTrue();
        assertThat(r.slow().viewers()).isEqualTo(1);
        assertThat(r.slow().framesReceived()).as("the late slow viewer reads").isPositive();
        assertThat(r.normal().framesReceived()).isPositive();
    }

    @Test
    void againstATargetItPublishesOverTheWebSocketIngestAndSlowViewersUseTheirOwnLocalPorts() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (KymuxServer target = new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)).start()) {
            // one scheduled keyframe per run (a GOP longer than the run's 60 frames)
            BenchOptions o = new BenchOptions(3, 2, 0, 500_000, 30, 1000, 0.34, 0.5,
                    URI.create("http://127.0.0.1:" + target.port()), 150, true, "websocket", 0, port);
            try (ServerSocket taken = new ServerSocket(port)) {
                assertThatThrownBy(() -> Bench.run(o)).as("the slow viewer binds port %d", port)
                        .hasRootCauseInstanceOf(BindException.class);
            }
            // the failed run's publisher closes its ingest on the way out; the feed is free again
            long end = System.nanoTime() + 5_000_000_000L;
            while (!target.kymux().claimProducer("bench0") && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            target.kymux().releaseProducer("bench0");
            long keyframesBefore = target.kymux().feeds().get("bench0").orElseThrow().stats().keyframes();
            BenchReport r = Bench.run(o);
            assertThat(r.normal().framesReceived()).isPositive();
            assertThat(r.slow().framesReceived()).as("the slow viewer, from port %d, reads at full speed", port)
                    .isPositive();
            assertThat(r.table()).contains("from local port " + port).contains("through WebSocket ingest");
            // the viewers join a GOP older than the budget and ask for a keyframe: only the
            // WebSocket ingest carries that request back to the bench's stream
            assertThat(target.kymux().feeds().get("bench0").orElseThrow().stats().keyframes() - keyframesBefore)
                    .as("keyframes: the scheduled one and at least one requested").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void tableHasTheLabelledPercentileLines() throws Exception {
        BenchReport r = Bench.run(new BenchOptions(2, 1, 0, 500_000, 30, 30, 0, 0.5, null, 150, true, "websocket", 0, 0));
        assertThat(r.table()).containsPattern("(?m)^p50 ").containsPattern("(?m)^p99 ")
                .containsPattern("(?m)^p99\\.9 ");
        assertThat(r.normal().framesReceived() + r.normal().framesDropped()).isGreaterThan(0);
    }
}
