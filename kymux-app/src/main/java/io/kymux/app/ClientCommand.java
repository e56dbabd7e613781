package io.kymux.app;

import io.kymux.client.ClientOutput;
import io.kymux.client.ConnectFailed;
import io.kymux.client.NextPlayerOutput;
import io.kymux.client.ReaderGone;
import io.kymux.core.loop.Backoff;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import io.kymux.core.input.InputJson;
import io.kymux.client.KymuxQuicClient;
import io.kymux.client.MuxedOutput;
import io.kymux.client.OutputPump;
import io.kymux.client.PacketStreamOutput;
import io.kymux.core.media.RealtimeClock;
import io.kymux.core.quic.ClientMedia;
import io.kymux.core.quic.ControlMessage;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch a stream over kymux/1 (QUIC) and write it for a player; forward input.",
            "  kymux client quic://host:8888/demo --fingerprint SHA256 --format ts | vlc -",
            "  kymux client quic://host:8888/demo --fingerprint SHA256 --format ts --out tcp://127.0.0.1:5000"
                    + "   (then: vlc tcp://127.0.0.1:5000)"})
public final class ClientCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "quic://HOST:PORT/STREAM (a stream or a single feed)")
    URI url;

    @Option(names = "--fingerprint", required = true,
            description = "the server certificate's SHA-256 fingerprint (printed by the server, GET /api/server)")
    String fingerprint;

    @Option(names = "--token", defaultValue = "${env:KYMUX_TOKEN:-}",
            description = "view or control token (env KYMUX_TOKEN)")
    String token;

    @Option(names = "--format", defaultValue = "ts", description = "kymux (packet stream of one track), ts or mkv")
    String format;

    @Option(names = "--out", defaultValue = "-", description = "- (stdout), FILE, or tcp://127.0.0.1:PORT (waits for the player)")
    String out;

    @Option(names = "--track", defaultValue = "0", description = "the track written by --format kymux (default 0)")
    int track;

    @Option(names = "--fec", defaultValue = "0", description = "XOR FEC group size for video (0: off; 10: +10 %%)")
    int fec;

    @Option(names = "--input", description = "input events as JSON lines from - (stdin) or tcp://127.0.0.1:PORT")
    String input;

    @Option(names = "--duration", defaultValue = "0", description = "stop after this many seconds (0: run until stopped)")
    double duration;

    @Option(names = "--reconnect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "when the connection is lost, connect again with backoff (default); --no-reconnect: exit 1")
    boolean reconnect;

    private static final Backoff BACKOFF = new Backoff(500, 10_000);
    /** After the last input event is written, time for it to cross before the connection closes. */
    private static final long INPUT_GRACE_MS = 250;

    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<KymuxQuicClient> current = new AtomicReference<>();
    private volatile String doneWhy;

    @Override
    public Integer call() throws Exception {
        FfmpegLogging.quiet();
        OutputPump pump = new OutputPump(output(), failure -> finish("output failed"));
        long deadline = duration > 0 ? System.nanoTime() + (long) (duration * 1e9) : Long.MAX_VALUE;
        ClientMedia.Stats last = null;
        try {
            boolean watched = false;
            for (int failures = 0; ; ) {
                CountDownLatch lost = new CountDownLatch(1);
                KymuxQuicClient client = new KymuxQuicClient(new ClientListenerAdapter(pump, lost));
                try {
                    client.connect(url, fingerprint, token, fec, 10_000);
                } catch (ConnectFailed e) {
                    client.close();
                    String noQuic = e.kind() == ConnectFailed.Kind.UNREACHABLE ? ServerWithoutQuic.explain(url) : null;
                    if (noQuic != null) {
                        throw new IllegalStateException(noQuic); // retrying would only time out again
                    }
                    // a refused token or a wrong pin will not change; a missing stream may come back with its capture
                    boolean retry = reconnect && (e.kind() == ConnectFailed.Kind.UNREACHABLE
                            || (watched && e.kind() == ConnectFailed.Kind.REFUSED && e.code() == ControlMessage.Error.NO_SUCH_STREAM));
                    if (!retry) {
                        throw e;
                    }
                    long delay = BACKOFF.delayMs(++failures, ThreadLocalRandom.current().nextDouble());
                    say(e.getMessage() + "; retrying in " + delay + " ms");
                    if (backOff(delay, deadline)) {
                        break;
                    }
                    continue;
                }
                failures = 0;
                watched = true;
                current.set(client);
                say("watching " + url + (client.welcome().control() ? " (control)" : " (view only)"));
                if (input != null) {
                    startInputOnce();
                }
                boolean stop = waitUntil(lost, deadline);
                last = client.isActive() ? client.stats() : last;
                if (stop && doneWhy != null && doneWhy.equals("input ended")) {
                    client.drainInput(2_000);
                    Thread.sleep(INPUT_GRACE_MS);
                }
                current.set(null);
                String why = lostWhy;
                client.close();
                if (stop) {
                    break;
                }
                if (!reconnect) {
                    throw new IllegalStateException("connection lost: " + why);
                }
                say("connection lost (" + why + "); reconnecting");
            }
        } finally {
            pump.close();
        }
        Throwable failed = pump.failure();
        if (failed != null) {
            if (out.equals("-") && ReaderGone.test(failed)) {
                return 0; // whoever read our stdout (head, a player) is done: not an error
            }
            throw new IllegalStateException("cannot write " + (out.equals("-") ? "stdout" : out) + ": " + failed.getMessage());
        }
        if (last != null) {
            System.err.printf("kymux client: %d frames delivered, %d lost, %d skipped, %d recovered by FEC, "
                    + "%d keyframe requests; %d written, %d dropped by the output%n", last.delivered(), last.lost(),
                    last.skipped(), last.recovered(), last.keyframeRequests(), pump.written(), pump.dropped());
        }
        return 0;
    }

    private volatile String lostWhy = "connection closed";

    private void finish(String why) {
        if (doneWhy == null) {
            doneWhy = why;
        }
        done.countDown();
    }

    /** Waits out a retry's backoff; true when the run should end instead (stopped, or its --duration is up). */
    private boolean backOff(long delayMs, long deadlineNanos) throws InterruptedException {
        waitUntil(null, Math.min(deadlineNanos, System.nanoTime() + delayMs * 1_000_000));
        return done.getCount() == 0 || System.nanoTime() >= deadlineNanos;
    }

    /** Waits for {@code lost} (may be null), the end of the run, or {@code deadlineNanos}; true if the run should end. */
    private boolean waitUntil(CountDownLatch lost, long deadlineNanos) throws InterruptedException {
        while (true) {
            if (done.getCount() == 0 || System.nanoTime() >= deadlineNanos) {
                return true;
            }
            if (lost != null && lost.getCount() == 0) {
                return false;
            }
            long left = Math.min(deadlineNanos - System.nanoTime(), 50_000_000L);
            if (done.await(Math.max(1, left), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    private static void say(String line) {
        System.err.println("kymux client: " + line);
    }

    private ClientOutput output() throws IOException {
        if (!java.util.List.of("kymux", "ts", "mkv").contains(format)) {
            throw new IllegalArgumentException("--format must be kymux, ts or mkv");
        }
        if (out.startsWith("tcp://")) {
            return playerOutput();
        }
        if (format.equals("kymux")) {
            return new PacketStreamOutput(out.equals("-")
                    ? new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16)
                    : new BufferedOutputStream(new FileOutputStream(out), 1 << 16), track);
        }
        return new MuxedOutput(muxer(), out.equals("-") ? "pipe:1" : out, Map.of());
    }

    private String muxer() {
        return format.equals("ts") ? "mpegts" : "matroska";
    }

    /** {@code --out tcp://HOST:PORT}: one player at a time, the next one after a player leaves. */
    private ClientOutput playerOutput() throws IOException {
        URI u = URI.create(out);
        if (u.getHost() == null || u.getPort() <= 0) {
            throw new IllegalArgumentException("--out tcp:// needs HOST:PORT, e.g. tcp://127.0.0.1:5000");
        }
        say("waiting for a player on " + out + " (e.g. vlc " + out + ")");
        if (!format.equals("kymux")) {
            // FFmpeg's tcp protocol listens for one player per container it opens
            String listen = out + "?listen=1";
            return new NextPlayerOutput(() -> new MuxedOutput(muxer(), listen, Map.of()), ClientCommand::say);
        }
        ServerSocket server = new ServerSocket(u.getPort(), 1, InetAddress.getByName(u.getHost()));
        return new NextPlayerOutput(() -> {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                say("a player connected from " + s.getRemoteSocketAddress());
                return new PacketStreamOutput(new BufferedOutputStream(s.getOutputStream(), 1 << 16), track);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("waiting for a player on " + out + ": " + e.getMessage(), e);
            }
        }, ClientCommand::say);
    }

    private boolean inputStarted;

    private void startInputOnce() {
        if (inputStarted) {
            return;
        }
        inputStarted = true;
        startInput();
    }

    /**
     * Reads input events and sends them on the connection of the moment. At the end of
     * the input the run ends when there is nothing else to do ({@code --out /dev/null});
     * otherwise watching goes on.
     */
    private void startInput() {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(inputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        KymuxQuicClient client = current.get();
                        if (client != null) {
                            client.send(InputJson.parse(line, RealtimeClock::nowUs));
                        }
                    } catch (IllegalArgumentException e) {
                        say("ignored input line: " + e.getMessage());
                    }
                }
                if (out.equals("/dev/null")) {
                    finish("input ended");
                } else {
                    say("input ended; still watching");
                }
            } catch (IOException e) {
                say("input ended: " + e.getMessage());
            }
        }, "kymux-client-input");
        t.setDaemon(true);
        t.start();
    }

    private java.io.InputStream inputStream() throws IOException {
        if (input.equals("-")) {
            return System.in;
        }
        URI u = URI.create(input);
        if (!"tcp".equals(u.getScheme())) {
            throw new IllegalArgumentException("--input must be - or tcp://127.0.0.1:PORT");
        }
        try (ServerSocket server = new ServerSocket(u.getPort(), 1, InetAddress.getByName(u.getHost()))) {
            return server.accept().getInputStream();
        }
    }

    /** Forwards to the pump and notices the end of the connection. */
    private final class ClientListenerAdapter implements io.kymux.client.ClientListener {
        private final OutputPump pump;
        private final CountDownLatch ended;

        ClientListenerAdapter(OutputPump pump, CountDownLatch ended) {
            this.pump = pump;
            this.ended = ended;
        }

        @Override
        public void welcome(ControlMessage.Welcome w) {
            pump.welcome(w);
        }

        @Override
        public void track(ControlMessage.Track t) {
            pump.track(t);
        }

        @Override
        public void config(ControlMessage.Config c) {
            pump.config(c);
        }

        @Override
        public void frame(int track, long ptsUs, boolean key, io.netty.buffer.ByteBuf payload) {
            pump.frame(track, ptsUs, key, payload);
        }

        @Override
        public void error(ControlMessage.Error e) {
            say("server says " + e.code() + " " + e.message());
        }

        @Override
        public void closed(String why) {
            lostWhy = why;
            ended.countDown();
        }
    }
}
