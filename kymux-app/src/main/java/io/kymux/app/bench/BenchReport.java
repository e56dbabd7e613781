package io.kymux.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Locale;

/** What a bench run measured; printed as a table and written as JSON. */
record BenchReport(BenchOptions options, long published, Group normal, Group slow, double egressMbps,
                   double serverCpuPercent, long heapPeakBytes, long heapAfterGcBytes, double relayCpuPercent,
                   long relayRssPeakBytes, boolean accountingChecked,
                   boolean accountingOk, String accountingDetail) {

    /**
     * Figures of a group of viewers (all normal, or all slow). For TS viewers the dropped
     * frames are those published after the warm-up, as the percentiles are, and
     * {@code warmupDropped} those of the warm-up (a JVM not yet compiled is slow); -1 for
     * the other transports.
     */
    record Group(int viewers, long framesReceived, long framesDropped, long warmupDropped, long p50Us, long p99Us,
                 long p999Us, long maxUs) {
    }

    private static double perViewer(Group g) {
        return g.viewers() == 0 ? 0 : (double) g.framesReceived() / g.viewers();
    }

    String table() {
        StringBuilder b = new StringBuilder();
        String slowLinks = options.slowLocalPort() > 0
                ? String.format(Locale.ROOT, "on links shaped outside the bench, from local port %d", options.slowLocalPort())
                : String.format(Locale.ROOT, "at %.0f%% of the stream", options.slowRate() * 100);
        b.append(String.format(Locale.ROOT, "kymux bench: %d %s viewers (%d slow %s), %.1f Mb/s,"
                        + " %d fps, GOP %d, %d s after %d s warm-up%n", options.viewers(), options.transport(), slow.viewers(),
                slowLinks, options.bitrate() / 1e6, options.fps(), options.gop(),
                options.durationSeconds(), options.warmupSeconds()));
        b.append(options.ts()
                ? "latency = viewer receive of a frame's last TS packet - publisher send, through an HTTP TS ingest, "
                        + (options.reference() ? options.tsWatch() : "kymux's /ts/") + " and WebSocket\n"
                : options.target() == null
                ? (options.quic() ? "latency = viewer receive - ingest (relay-added: feed, session queue, QUIC datagrams, reassembly)\n"
                        : "latency = viewer receive - ingest (relay-added: feed, session queue, WebSocket, loopback TCP)\n")
                : "latency = viewer receive - publisher send, through WebSocket ingest, relay and WebSocket\n");
        b.append(String.format(Locale.ROOT, "%-8s %12s %12s%n", "", "viewers", "slow viewers"));
        row(b, "p50", normal.p50Us(), slow.p50Us());
        row(b, "p99", normal.p99Us(), slow.p99Us());
        row(b, "p99.9", normal.p999Us(), slow.p999Us());
        row(b, "max", normal.maxUs(), slow.maxUs());
        b.append(String.format(Locale.ROOT, "%-8s %12d %12d%n", "frames", normal.framesReceived(),
                slow.framesReceived()));
        b.append(String.format(Locale.ROOT, "%-8s %12d %12d%n", "dropped", normal.framesDropped(),
                slow.framesDropped()));
        b.append(String.format(Locale.ROOT, "%-8s %12.1f %12.1f  (frames a viewer got, on average)%n", "each",
                perViewer(normal), perViewer(slow)));
        if (normal.warmupDropped() >= 0) {
            b.append(String.format(Locale.ROOT, "%-8s %12d %12d  (frames of the warm-up)%n", "dropped", normal.warmupDropped(),
                    slow.warmupDropped()));
        }
        b.append(String.format(Locale.ROOT, "published %d frames; egress %.1f Mb/s; process CPU %.0f%% of one core;"
                + " heap peak %d MB, after GC %d MB%n", published, egressMbps, serverCpuPercent, heapPeakBytes >> 20,
                heapAfterGcBytes >> 20));
        if (relayCpuPercent >= 0) {
            b.append(String.format(Locale.ROOT, "relay process (--relay-pid %d): CPU %.0f%% of one core; RSS peak %d MB%n",
                    options.relayPid(), relayCpuPercent, relayRssPeakBytes >> 20));
        }
        b.append("accounting (published = delivered + dropped, per session): ")
                .append(accountingChecked ? (accountingOk ? "ok" : "MISMATCH " + accountingDetail) : "not checked")
                .append('\n');
        return b.toString();
    }

    private static void row(StringBuilder b, String name, long us, long slowUs) {
        b.append(String.format(Locale.ROOT, "%-8s %9.3f ms %9.3f ms%n", name, us / 1000.0, slowUs / 1000.0));
    }

    String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
