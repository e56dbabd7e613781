package io.kymux.app;

import io.kymux.client.ClientOutput;
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

    @Option(names = "--duration", defaultValue = "0", description = "stop after this many seconds (0: run until the stream ends)")
    double duration;

    @Override
    public Integer call() throws Exception {
        FfmpegLogging.quiet();
        OutputPump pump = new OutputPump(output());
        CountDownLatch ended = new CountDownLatch(1);
        KymuxQuicClient client = new KymuxQuicClient(new ClientListenerAdapter(pump, ended));
        try {
            client.connect(url, fingerprint, token, fec, 10_000);
            System.err.println("kymux client: watching " + url + (client.welcome().control() ? " (control)" : " (view only)"));
            if (input != null) {
                startInput(client);
            }
            if (duration > 0) {
                ended.await((long) (duration * 1000), TimeUnit.MILLISECONDS);
            } else {
                ended.await();
            }
            ClientMedia.Stats s = client.stats();
            System.err.printf("kymux client: %d frames delivered, %d lost, %d skipped, %d recovered by FEC, "
                    + "%d keyframe requests; %d written, %d dropped by the output%n", s.delivered(), s.lost(), s.skipped(),
                    s.recovered(), s.keyframeRequests(), pump.written(), pump.dropped());
            return pump.failure() == null ? 0 : 1;
        } finally {
            client.close();
            pump.close();
        }
    }

    private ClientOutput output() throws IOException {
        switch (format) {
            case "kymux" -> {
                return new PacketStreamOutput(stream(), track);
            }
            case "ts", "mkv" -> {
                String muxer = format.equals("ts") ? "mpegts" : "matroska";
                String target = out.equals("-") ? "pipe:1" : out.startsWith("tcp://") ? out + "?listen=1" : out;
                return new MuxedOutput(muxer, target, Map.of());
            }
            default -> throw new IllegalArgumentException("--format must be kymux, ts or mkv");
        }
    }

    private OutputStream stream() throws IOException {
        if (out.equals("-")) {
            return new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16);
        }
        if (out.startsWith("tcp://")) {
            URI u = URI.create(out);
            try (ServerSocket server = new ServerSocket(u.getPort(), 1, InetAddress.getByName(u.getHost()))) {
                System.err.println("kymux client: waiting for a player on " + out);
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                return new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            }
        }
        return new BufferedOutputStream(new FileOutputStream(out), 1 << 16);
    }

    private void startInput(KymuxQuicClient client) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(inputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        client.send(InputJson.parse(line, RealtimeClock::nowUs));
                    } catch (IllegalArgumentException e) {
                        System.err.println("kymux client: ignored input line: " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                System.err.println("kymux client: input ended: " + e.getMessage());
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
    private record ClientListenerAdapter(OutputPump pump, CountDownLatch ended) implements io.kymux.client.ClientListener {
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
            System.err.println("kymux client: server says " + e.code() + " " + e.message());
        }

        @Override
        public void closed(String why) {
            System.err.println("kymux client: " + why);
            ended.countDown();
        }
    }
}
