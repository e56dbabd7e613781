package io.kymux.app.bench;

import io.kymux.app.WebSocketUpload;
import io.kymux.core.packet.PacketSink;
import io.kymux.server.ingest.FeedPacketSink;
import io.kymux.core.session.QueueLimits;
import io.kymux.core.session.Session;
import io.kymux.server.KymuxServer;
import io.kymux.server.ServerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one bench: a server (in-process unless a target is given), a synthetic publisher
 * over HTTP ingest, N WebSocket viewers. Bounded: it publishes duration × fps frames,
 * waits at most 5 s for queues to drain, and stops everything it started.
 */
public final class Bench {

    private static final String STREAM = "bench";
    private static final String FEED = "bench0";

    private Bench() {
    }

    static BenchReport run(BenchOptions o) throws Exception {
        if (o.ts()) {
            return runTs(o);
        }
        KymuxServer server = null;
        URI base = o.target();
        if (base == null) {
            QueueLimits q = QueueLimits.DEFAULT;
            server = new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                    .withQueueLimits(new QueueLimits(q.maxFrames(), q.maxBytes(), o.latencyBudgetMs() * 1000))).start();
            server.kymux().streams().put(STREAM, List.of(FEED)); // viewers join before the first frame
            base = URI.create("http://127.0.0.1:" + server.port());
        }
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                NioIoHandler.newFactory());
        Recorder normalLat = new Recorder(3);
        Recorder slowLat = new Recorder(3);
        List<BenchClient> viewers = new ArrayList<>();
        if (o.quic() && o.slowFraction() > 0) {
            throw new IllegalArgumentException("slow viewers are WebSocket only; use --slow-fraction 0 with --transport quic");
        }
        // in-process: publish straight into the feed, so PTS is the ingest instant and the
        // figure is exactly the relay's; against a target: over the WebSocket ingest. Either
        // way keyframe requests are answered, as a real capture does
        List<Long> bitrates = new ArrayList<>(List.of(o.bitrate()));
        bitrates.addAll(o.lowerRenditions());
        List<PacketSink> sinks = new ArrayList<>();
        List<Runnable> answerKeyframes = new ArrayList<>();
        SyntheticStream[] streamRef = new SyntheticStream[1];
        for (long bitrate : bitrates) {
            String feed = bitrate == o.bitrate() ? FEED : FEED + io.kymux.core.feed.Rendition.SEPARATOR + bitrate / 1000 + "k";
            if (server != null) {
                io.kymux.core.feed.Feed f = server.kymux().feeds().getOrCreate(feed).orElseThrow();
                f.declareBitrate(o.lowerRenditions().isEmpty() ? 0 : bitrate);
                FeedPacketSink in = new FeedPacketSink(f, server.kymux().clock());
                sinks.add(in);
                answerKeyframes.add(() -> in.answerKeyframeRequestsWith(streamRef[0]::requestKeyframe));
            } else {
                WebSocketUpload up = new WebSocketUpload(URI.create("ws://" + base.getHost() + ":" + base.getPort()
                        + "/ingest/" + feed + (o.lowerRenditions().isEmpty() ? "" : "?bitrate=" + bitrate)));
                sinks.add(up);
                answerKeyframes.add(() -> up.onKeyframeRequest(streamRef[0]::requestKeyframe));
            }
        }
        SyntheticStream stream = new SyntheticStream(sinks, bitrates, o.fps(), o.gop(),
                (long) (o.durationSeconds() + o.warmupSeconds()) * o.fps());
        streamRef[0] = stream;
        answerKeyframes.forEach(Runnable::run); // a request to any rendition: a keyframe on all
        Thread publisher = new Thread(stream, "bench-publisher");
        ResourceSampler sampler = new ResourceSampler(o.relayPid());
        try {
            // the warm-up counts from the first published frame
            long warmupUs = o.warmupSeconds() * 1_000_000L;
            AtomicLong recordFromUs = new AtomicLong(Long.MAX_VALUE);
            if (server == null) {
                recordFromUs.set(SyntheticStream.nowUs() + warmupUs);
                publisher.start(); // a remote server knows the feed only once it is published
                Thread.sleep(1000);
            }
            int slowCount = (int) Math.round(o.viewers() * o.slowFraction());
            URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/"
                    + (server == null ? FEED : STREAM) + (o.ack() ? "?ack=1" : ""));
            boolean slowJoinLate = o.slowJoinSeconds() > 0;
            for (int i = 0; i < o.viewers(); i++) {
                boolean slow = i < slowCount;
                if (slow && slowJoinLate) {
                    continue; // below, mid-stream
                }
                if (o.quic()) {
                    QuicBenchViewer v = new QuicBenchViewer(normalLat, recordFromUs, clients);
                    viewers.add(v);
                    v.connect(quicUrl(server, base, server == null ? FEED : STREAM), fingerprint(server, base));
                } else {
                    BenchViewer v = new BenchViewer(slow, slow ? slowLat : normalLat, recordFromUs, o.ack());
                    v.connect(clients, ws, (long) (o.bitrate() / 8 * o.slowRate()), slow ? localPort(o, i) : 0);
                    viewers.add(v);
                }
            }
            Thread.sleep(500); // handshakes
            sampler.start();
            if (server != null) {
                recordFromUs.set(SyntheticStream.nowUs() + warmupUs);
                publisher.start();
            }
            long lateSessionsAfterId = Long.MAX_VALUE;
            if (slowJoinLate) {
                Thread.sleep(o.slowJoinSeconds() * 1000L);
                lateSessionsAfterId = server == null ? 0
                        : server.kymux().sessions().stream().mapToLong(Session::id).max().orElse(0);
                // timed from their own join too, if that is after the warm-up
                AtomicLong lateFromUs = new AtomicLong(Math.max(recordFromUs.get(), SyntheticStream.nowUs()));
                for (int i = 0; i < slowCount; i++) {
                    BenchViewer v = new BenchViewer(true, slowLat, lateFromUs, o.ack());
                    v.connect(clients, ws, (long) (o.bitrate() / 8 * o.slowRate()), localPort(o, i));
                    viewers.add(v);
                }
            }
            publisher.join((o.durationSeconds() + 30) * 1000L);
            awaitDrained(server, 5000);
            sampler.stop();
            return report(o, server, stream.published(), -1, viewers, normalLat.getIntervalHistogram(),
                    slowLat.getIntervalHistogram(), sampler, lateSessionsAfterId);
        } finally {
            publisher.interrupt();
            publisher.join(2000); // it closes its ingest on the way out: no publisher left behind
            viewers.forEach(BenchClient::close);
            clients.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * The MPEG-TS bench: {@link SyntheticTsStream} posted over HTTP to the relay (kymux's
     * {@code /ts/} feed, in-process unless a target or a reference relay is given), N
     * jsmpeg-style WebSocket viewers, the slow ones reading a fraction of the bitrate. Latency
     * is publisher send → the frame's last packet at the viewer.
     */
    private static BenchReport runTs(BenchOptions o) throws Exception {
        KymuxServer server = null;
        URI base = o.target();
        if (base == null && !o.reference()) {
            QueueLimits q = QueueLimits.DEFAULT;
            server = new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                    .withQueueLimits(new QueueLimits(q.maxFrames(), q.maxBytes(), o.latencyBudgetMs() * 1000))).start();
            base = URI.create("http://127.0.0.1:" + server.port());
        }
        URI ingest = o.reference() ? o.tsIngest() : base.resolve("/ts/" + FEED);
        URI watch = o.reference() ? o.tsWatch() : URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ts/" + FEED);
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                NioIoHandler.newFactory());
        Recorder normalLat = new Recorder(3);
        Recorder slowLat = new Recorder(3);
        List<BenchClient> viewers = new ArrayList<>();
        AtomicLong recordFromUs = new AtomicLong(Long.MAX_VALUE);
        SyntheticTsStream stream = new SyntheticTsStream(ingest, o.bitrate(), o.fps(), o.gop(),
                (long) (o.durationSeconds() + o.warmupSeconds()) * o.fps(), recordFromUs);
        Thread publisher = new Thread(stream, "bench-ts-publisher");
        ResourceSampler sampler = new ResourceSampler(o.relayPid());
        try {
            int slowCount = (int) Math.round(o.viewers() * o.slowFraction());
            for (int i = 0; i < o.viewers(); i++) {
                boolean slow = i < slowCount;
                BenchViewer v = new BenchViewer(slow, slow ? slowLat : normalLat, recordFromUs, false, true);
                v.connect(clients, watch, (long) (o.bitrate() / 8 * o.slowRate()), slow ? localPort(o, i) : 0);
                viewers.add(v);
            }
            Thread.sleep(500); // handshakes
            sampler.start();
            recordFromUs.set(SyntheticStream.nowUs() + o.warmupSeconds() * 1_000_000L);
            publisher.start();
            publisher.join((o.durationSeconds() + o.warmupSeconds() + 30) * 1000L);
            Thread.sleep(1000); // what is still on its way
            sampler.stop();
            return report(o, null, stream.published(), stream.publishedTimed(), viewers, normalLat.getIntervalHistogram(),
                    slowLat.getIntervalHistogram(), sampler, Long.MAX_VALUE);
        } finally {
            publisher.interrupt();
            publisher.join(2000);
            viewers.forEach(BenchClient::close);
            clients.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            if (server != null) {
                server.close();
            }
        }
    }

    /** Slow viewer i's local port when the kernel shapes the slow links; 0 (any) otherwise. */
    private static int localPort(BenchOptions o, int i) {
        return o.slowLocalPort() > 0 ? o.slowLocalPort() + i : 0;
    }

    private static void awaitDrained(KymuxServer server, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        Thread.sleep(300);
        while (server != null && System.nanoTime() < end
                && server.kymux().sessions().stream().anyMatch(s -> s.stats().queuedFrames() > 0)) {
            Thread.sleep(50);
        }
    }

    /** kymux/1: the in-process server's port, or the target's from its {@code /api/server}. */
    private static URI quicUrl(KymuxServer server, URI base, String name) throws Exception {
        int port = server != null ? server.quicPort() : serverInfo(base).path("quic").path("port").asInt();
        return URI.create("quic://" + base.getHost() + ":" + port + "/" + name);
    }

    private static String fingerprint(KymuxServer server, URI base) throws Exception {
        return server != null ? server.kymux().info().fingerprint()
                : serverInfo(base).path("quic").path("fingerprint").asText();
    }

    private static com.fasterxml.jackson.databind.JsonNode serverInfo(URI base) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/server"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    /** {@code publishedTimed}: TS frames published after the warm-up; -1 for the other transports. */
    private static BenchReport report(BenchOptions o, KymuxServer server, long published, long publishedTimed,
                                      List<BenchClient> viewers,
                                      Histogram normal, Histogram slow, ResourceSampler res, long lateSessionsAfterId) {
        long bytes = viewers.stream().mapToLong(BenchClient::bytes).sum();
        boolean checked = server != null;
        boolean ok = true;
        StringBuilder detail = new StringBuilder();
        if (checked) {
            for (Session s : server.kymux().sessions()) {
                if (s.id() > lateSessionsAfterId) {
                    continue; // joined mid-stream: offered only what came after its join
                }
                Session.SessionStats st = s.stats();
                // a rendition switch delivers its picture twice: the old rendition's, and the new one's keyframe
                long switches = st.renditions().stream().mapToLong(Session.RenditionState::switches).sum();
                long accounted = st.delivered() + st.drops().total() + st.queuedFrames() - switches;
                if (accounted != published) {
                    ok = false;
                    detail.append("session ").append(st.id()).append(": ").append(accounted).append(" of ")
                            .append(published).append("; ");
                }
            }
        }
        return new BenchReport(o, published, group(viewers, false, normal, published, publishedTimed),
                group(viewers, true, slow, published, publishedTimed),
                bytes * 8 / 1e6 / (o.durationSeconds() + o.warmupSeconds()), res.cpuPercentOfOneCore(), res.heapPeak(), res.heapAfterGc(),
                res.relayCpuPercentOfOneCore(), res.relayRssPeak(), checked, ok, detail.toString());
    }

    /**
     * A group's figures. A TS viewer joins before the first frame and gets each frame whole or
     * not at all, so its dropped frames are exactly the published ones it did not get, split at
     * the warm-up ({@code publishedTimed} of them after it; -1 for the other transports, which
     * count the gaps they saw).
     */
    private static BenchReport.Group group(List<BenchClient> viewers, boolean slow, Histogram h, long published,
                                           long publishedTimed) {
        List<BenchClient> g = viewers.stream().filter(v -> v.slow() == slow).toList();
        long frames = g.stream().mapToLong(BenchClient::frames).sum();
        long dropped;
        long warmupDropped = -1;
        if (publishedTimed >= 0) {
            long timed = g.stream().mapToLong(BenchClient::timedFrames).sum();
            dropped = g.size() * publishedTimed - timed;
            warmupDropped = g.size() * (published - publishedTimed) - (frames - timed);
        } else {
            dropped = g.stream().mapToLong(BenchClient::gaps).sum();
        }
        return new BenchReport.Group(g.size(), frames, dropped, warmupDropped, h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    /** Process CPU and heap, and a relay process's CPU and RSS if given, sampled while the bench runs. */
    static final class ResourceSampler {
        private final int relayPid;
        private volatile long relayRssPeak = -1;
        private long relayTicksStart;
        private long relayTicksEnd;

        ResourceSampler(int relayPid) {
            this.relayPid = relayPid;
        }

        /** utime + stime of the relay, in clock ticks (100 a second on Linux). */
        private long relayTicks() {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + relayPid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("--relay-pid " + relayPid + ": no such process to sample");
            }
        }

        private long relayRss() {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + relayPid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (java.io.IOException e) {
                // the relay ended
            }
            return -1;
        }

        double relayCpuPercentOfOneCore() {
            return relayPid > 0 ? 100.0 * (relayTicksEnd - relayTicksStart) * 10_000_000 / Math.max(1, wallEnd - wallStart) : -1;
        }

        long relayRssPeak() {
            return relayRssPeak;
        }
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        private volatile boolean running;
        private volatile long heapPeak;
        private long cpuStart;
        private long wallStart;
        private long cpuEnd;
        private long wallEnd;
        private Thread thread;

        void start() {
            running = true;
            cpuStart = os.getProcessCpuTime();
            relayTicksStart = relayPid > 0 ? relayTicks() : 0;
            wallStart = System.nanoTime();
            thread = new Thread(() -> {
                while (running) {
                    heapPeak = Math.max(heapPeak, mem.getHeapMemoryUsage().getUsed());
                    if (relayPid > 0) {
                        relayRssPeak = Math.max(relayRssPeak, relayRss());
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            cpuEnd = os.getProcessCpuTime();
            relayTicksEnd = relayPid > 0 ? relayTicks() : 0;
            wallEnd = System.nanoTime();
        }

        double cpuPercentOfOneCore() {
            return 100.0 * (cpuEnd - cpuStart) / Math.max(1, wallEnd - wallStart);
        }

        long heapPeak() {
            return heapPeak;
        }

        long heapAfterGc() {
            System.gc();
            return mem.getHeapMemoryUsage().getUsed();
        }
    }
}
