package io.kymux.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.core.io.Json;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * What viewers report about themselves (docs/protocol/browser-messages.md, "stats"):
 * glass-to-glass latency samples (capture PTS → decoder output) and counters. Kept per
 * session in an HdrHistogram and fed to one Prometheus distribution for all viewers.
 */
public final class ViewerReports {

    /** Latencies above a minute are not latencies but clock trouble; they are ignored. */
    static final long MAX_LATENCY_MS = 60_000;
    static final int MAX_SAMPLES_PER_REPORT = 1000;

    /** One viewer's figures. */
    public static final class Viewer {
        private final Histogram latencyMs = new Histogram(MAX_LATENCY_MS, 2);
        private long videoFramesDecoded;
        private long audioFramesDecoded;
        private long droppedFrames;
        private double fps;

        public synchronized Snapshot snapshot() {
            return new Snapshot(latencyMs.getTotalCount(), latencyMs.getValueAtPercentile(50),
                    latencyMs.getValueAtPercentile(95), latencyMs.getValueAtPercentile(99), videoFramesDecoded,
                    audioFramesDecoded, droppedFrames, fps);
        }
    }

    /** Snapshot of one viewer's report. */
    public record Snapshot(long samples, long latencyP50Ms, long latencyP95Ms, long latencyP99Ms,
                           long videoFramesDecoded, long audioFramesDecoded, long droppedFrames, double fps) {
    }

    private final Map<Long, Viewer> viewers = new ConcurrentHashMap<>();
    private final DistributionSummary latency;

    ViewerReports(ServerMetrics metrics) {
        latency = metrics.viewerLatency();
    }

    public Viewer get(long session) {
        return viewers.get(session);
    }

    void remove(long session) {
        viewers.remove(session);
    }

    /**
     * Applies a {@code stats} message from a viewer.
     *
     * @throws IllegalArgumentException with a message saying what was wrong
     */
    public void accept(long session, String text) {
        accept(session, parse(text));
    }

    /** Parses a viewer's text message; IllegalArgumentException says what was wrong. */
    public static JsonNode parse(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    /** Applies a parsed {@code stats} message. */
    public void accept(long session, JsonNode n) {
        if (!"stats".equals(n.path("type").asText())) {
            throw new IllegalArgumentException("unknown message type " + (n == null ? null : n.path("type")));
        }
        JsonNode samples = n.path("latencyMs");
        if (samples.size() > MAX_SAMPLES_PER_REPORT) {
            throw new IllegalArgumentException("more than " + MAX_SAMPLES_PER_REPORT + " latency samples");
        }
        Viewer v = viewers.computeIfAbsent(session, id -> new Viewer());
        synchronized (v) {
            for (JsonNode s : samples) {
                double ms = s.asDouble(-1);
                if (ms >= 0 && ms <= MAX_LATENCY_MS) {
                    v.latencyMs.recordValue(Math.round(ms));
                    latency.record(ms);
                }
            }
            v.videoFramesDecoded = n.path("videoFramesDecoded").asLong(v.videoFramesDecoded);
            v.audioFramesDecoded = n.path("audioFramesDecoded").asLong(v.audioFramesDecoded);
            v.droppedFrames = n.path("droppedFrames").asLong(v.droppedFrames);
            v.fps = n.path("fps").asDouble(v.fps);
        }
    }
}
