package io.kymux.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The server's Prometheus counters and gauges. */
public final class ServerMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter bytesOut;

    public ServerMetrics() {
        framesIn = registry.counter("kymux.frames.in");
        framesOut = registry.counter("kymux.frames.out");
        bytesOut = registry.counter("kymux.bytes.out");
        Gauge.builder("kymux.sessions", sessions, AtomicInteger::get).register(registry);
    }

    /** Glass-to-glass latency reported by viewers, capture PTS → decoded, in ms. */
    public DistributionSummary viewerLatency() {
        return DistributionSummary.builder("kymux.viewer.latency").baseUnit("milliseconds")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    public void badViewerMessage() {
        registry.counter("kymux.viewer.bad.messages").increment();
    }

    public void ingestError(String reason) {
        registry.counter("kymux.ingest.errors", "reason", reason).increment();
    }

    public double ingestErrors(String reason) {
        return registry.counter("kymux.ingest.errors", "reason", reason).count();
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
        io.micrometer.core.instrument.FunctionCounter.builder("kymux.frames.dropped", source, total).register(registry);
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
