package io.kymux.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The server's Prometheus counters and gauges, each with the HELP text a dashboard shows. */
public final class ServerMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter bytesOut;
    private final Counter badViewerMessages;
    private final DistributionSummary viewerLatency;

    public ServerMetrics() {
        framesIn = Counter.builder("kymux.frames.in")
                .description("Frames received from producers (captures, ingests), all feeds").register(registry);
        framesOut = Counter.builder("kymux.frames.out")
                .description("Frames sent to viewers and destinations, all transports").register(registry);
        bytesOut = Counter.builder("kymux.bytes.out")
                .description("Bytes of media payload sent to viewers and destinations, without transport overhead").register(registry);
        badViewerMessages = Counter.builder("kymux.viewer.bad.messages")
                .description("Messages from viewers that could not be parsed and were ignored").register(registry);
        Gauge.builder("kymux.sessions", sessions, AtomicInteger::get)
                .description("Viewer sessions connected now (WebSocket, WebTransport, WebRTC, kymux/1)").register(registry);
        viewerLatency = DistributionSummary.builder("kymux.viewer.latency").baseUnit("milliseconds")
                .description("Latency viewers report, from the capture instant (PTS) to the decoded frame")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    /** Glass-to-glass latency reported by viewers, capture PTS → decoded, in ms. */
    public DistributionSummary viewerLatency() {
        return viewerLatency;
    }

    public void badViewerMessage() {
        badViewerMessages.increment();
    }

    private Counter ingestErrorCounter(String reason) {
        return Counter.builder("kymux.ingest.errors").tag("reason", reason)
                .description("Ingest connections refused or ended by an error, by reason").register(registry);
    }

    public void ingestError(String reason) {
        ingestErrorCounter(reason).increment();
    }

    public double ingestErrors(String reason) {
        return ingestErrorCounter(reason).count();
    }

    public void frameIn() {
        framesIn.increment();
    }

    public void frameOut(int bytes) {
        framesOut.increment();
        bytesOut.increment(bytes);
    }

    /** Frames not sent to viewers, read at scrape time so it counts live sessions too. */
    public <T> void dropsFrom(T source, java.util.function.ToDoubleFunction<T> total) {
        FunctionCounter.builder("kymux.frames.dropped", source, total)
                .description("Frames not sent to viewers: queue overflow, too late, waiting for a keyframe, superseded")
                .register(registry);
    }

    public void sessionOpened() {
        sessions.incrementAndGet();
    }

    public void sessionClosed() {
        sessions.decrementAndGet();
    }

    public String scrape() {
        return registry.scrape();
    }
}
