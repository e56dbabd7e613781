package io.kymux.app;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.capture.PacketStreamWriter;
import io.kymux.capture.RenditionSpec;
import io.kymux.capture.SourceKind;
import io.kymux.core.packet.PacketSink;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Capture and encode one track and write it as a kymux packet stream.",
            "Sources: test (moving pattern, or a 440 Hz tone with --audio), display (x11grab),",
            "camera (v4l2), audio (pulse or alsa). Output: stdout, or --to ws://host:port/ingest/FEED",
            "(the server can ask for keyframes: use it for video) or --to http://host:port/ingest/FEED."})
final class CaptureCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "test | display | camera | audio")
    String source;

    @Option(names = "--audio", description = "with 'test': generate a tone instead of a picture")
    boolean audio;

    @Option(names = "--to", description = {"upload instead of writing to stdout: http(s)://host:port/ingest/FEED",
        "(chunked POST), ws(s)://host:port/ingest/FEED (WebSocket) or tcp://host:port (a --tcp-ingest port);",
        "over WebSocket and TCP the server can ask for keyframes"})
    URI to;

    @Option(names = "--fingerprint", description = {"for wss:// and https://: the SHA-256 of the server's certificate",
        "(GET /api/server, http.fingerprint) to pin instead of trusting the system's CAs (a self-signed kymux)"})
    String fingerprint;

    @Option(names = "--encoder", description = "FFmpeg encoder (default libx264, or libopus for audio)")
    String encoder;

    @Option(names = "--size", defaultValue = "1280x720", converter = VideoSize.Converter.class,
            description = "video size WxH (default ${DEFAULT-VALUE})")
    VideoSize size;

    @Option(names = "--fps", defaultValue = "30", description = "frames per second (default ${DEFAULT-VALUE})")
    int fps;

    @Option(names = "--gop", defaultValue = "60", description = "frames between keyframes (default ${DEFAULT-VALUE})")
    int gop;

    @Option(names = "--bitrate", description = "bits per second (default 2000000 video, 64000 audio)")
    Long bitrate;

    @Option(names = "--preset", defaultValue = "ultrafast", description = "x264 preset (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--tune", defaultValue = "zerolatency", description = "x264 tune (default ${DEFAULT-VALUE})")
    String tune;

    @Option(names = "--x264-params", defaultValue = "", description = "extra x264 options, a=b:c=d")
    String x264Params;

    @Option(names = {"--display", "--device"}, description = "X display (:0.0), V4L2 device or audio device")
    String device;

    @Option(names = "--backend", defaultValue = "pulse", description = "audio device backend: pulse or alsa")
    String backend;

    @Option(names = "--offset", defaultValue = "0,0", description = "display region offset X,Y")
    String offset;

    @Option(names = "--renditions", description = {"encode several renditions of one video source at once, highest first:",
        "1280x720@4M,640x360@1M,320x180@300k. With --to ws://host/ingest/FEED the first is FEED and the others",
        "FEED~360p (their height); viewers of FEED get the one their link carries. Overrides --size and --bitrate"})
    String renditions;

    @Option(names = "--reconnect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"with --to: when the server goes away, keep capturing and connect again with backoff",
                "(at most 1.5 s apart), resuming with a keyframe; --no-reconnect exits instead (default on)"})
    boolean reconnect;

    @Override
    public Integer call() throws Exception {
        FfmpegLogging.quiet();
        SourceKind kind = SourceKind.valueOf(source.toUpperCase());
        boolean isAudio = audio || kind == SourceKind.AUDIO;
        String[] xy = offset.split(",");
        EncoderSettings enc = isAudio
                ? new EncoderSettings(encoder == null ? "libopus" : encoder, 0, 0, 0, 0,
                        bitrate == null ? 64_000 : bitrate, "", "", "")
                : new EncoderSettings(encoder == null ? "libx264" : encoder, size.width(),
                        size.height(), fps, gop, bitrate == null ? 2_000_000 : bitrate, preset, tune,
                        x264Params);
        if (kind == SourceKind.DISPLAY && device == null) {
            device = XDisplay.fromEnvironment();
        }
        CaptureOptions opts = new CaptureOptions(kind, isAudio, device, backend, Integer.parseInt(xy[0].trim()),
                Integer.parseInt(xy[1].trim()), enc);
        if (fingerprint != null) {
            fingerprint = io.kymux.core.tls.Fingerprints.normalise(fingerprint);
            if (to == null || !io.kymux.server.tls.ClientTls.secure(to)) {
                throw new IllegalArgumentException("--fingerprint pins a TLS server: give --to wss://… or https://…");
            }
        }
        var capture = new java.util.concurrent.atomic.AtomicReference<Capture>(); // the upload exists first
        Runnable requestKeyframe = () -> {
            Capture c = capture.get();
            if (c != null) {
                c.requestKeyframe(); // every rendition's: their keyframes stay aligned
            }
        };
        List<Capture.Output> outputs = new ArrayList<>();
        try {
            if (renditions != null) {
                for (Rendition r : renditions(enc)) {
                    outputs.add(new Capture.Output(r.encoder(), upload(r.target(), requestKeyframe, outputs.size(), capture)));
                }
            } else {
                outputs.add(new Capture.Output(enc, to == null ? new PacketStreamWriter(new FileOutputStream(FileDescriptor.out))
                        : upload(isAudio || "tcp".equals(to.getScheme()) ? to : withBitrate(to, to.getPath(), enc.bitrate()),
                                requestKeyframe, 0, capture)));
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            outputs.forEach(o -> o.sink().close());
            System.err.println("kymux capture: " + e.getMessage());
            return 1;
        }
        capture.set(new Capture(opts, outputs));
        return run(capture.get());
    }

    /** One rendition of {@code --renditions}: how it is encoded and where it goes. */
    private record Rendition(EncoderSettings encoder, URI target) {
    }

    /**
     * The renditions' encoders and feeds. x264's scene-cut keyframes are off: they would fall
     * on different pictures at different sizes, and a viewer switches only at a keyframe
     * every rendition shares.
     */
    private List<Rendition> renditions(EncoderSettings base) {
        if (audio || to == null || !(to.getScheme().startsWith("ws") || to.getScheme().startsWith("http"))
                || !to.getPath().startsWith("/ingest/")) {
            throw new IllegalArgumentException("--renditions encodes video for a server: give --to ws://host:port/ingest/FEED");
        }
        String params = base.x264Params() == null || base.x264Params().isEmpty() ? "scenecut=0" : base.x264Params() + ":scenecut=0";
        List<Rendition> out = new ArrayList<>();
        List<RenditionSpec> specs = RenditionSpec.parseList(renditions);
        for (int i = 0; i < specs.size(); i++) {
            RenditionSpec r = specs.get(i);
            EncoderSettings e = new EncoderSettings(base.encoder(), r.width(), r.height(), base.fps(), base.gop(),
                    r.bitsPerSecond(), base.preset(), base.tune(), params);
            String path = i == 0 ? to.getPath() : to.getPath() + io.kymux.core.feed.Rendition.SEPARATOR + r.label();
            out.add(new Rendition(e, withBitrate(to, path, r.bitsPerSecond())));
        }
        return out;
    }

    /**
     * {@code to} with this path and {@code ?bitrate=}: the server takes it as the feed's
     * ceiling (renditions are chosen by it; a rate-following viewer never asks for more).
     */
    private static URI withBitrate(URI to, String path, long bitsPerSecond) {
        String query = (to.getQuery() == null ? "" : to.getQuery() + "&") + "bitrate=" + bitsPerSecond;
        try {
            return new URI(to.getScheme(), to.getUserInfo(), to.getHost(), to.getPort(), path, query, null);
        } catch (java.net.URISyntaxException x) {
            throw new IllegalArgumentException("--to " + to + ": " + x.getMessage());
        }
    }

    /**
     * An upload to {@code target} that reconnects (or not, with --no-reconnect); the server's
     * bitrate requests go to output {@code index}'s encoder.
     */
    private PacketSink upload(URI target, Runnable requestKeyframe, int index,
                              java.util.concurrent.atomic.AtomicReference<Capture> capture) {
        return new ReconnectingUpload(() -> connect(target), where(), reconnect, requestKeyframe,
                line -> System.err.println("kymux capture: " + line)).onBitrateRequest(b -> {
                    Capture c = capture.get();
                    if (c != null) {
                        c.requestBitrate(index, b);
                    }
                });
    }

    private Integer run(Capture capture) {
        Runtime.getRuntime().addShutdownHook(new Thread(capture::stop));
        try {
            capture.run();
        } catch (RuntimeException e) {
            if (to == null && io.kymux.client.ReaderGone.test(e)) {
                return 0; // `kymux capture test | head`: the reader has what it wanted
            }
            if (e instanceof io.kymux.capture.FfmpegException && String.valueOf(e.getMessage()).startsWith("opening x11grab ")) {
                System.err.println("kymux capture: " + XDisplay.cannotOpen(device));
                return 1;
            }
            if (!(e instanceof IllegalStateException)) {
                throw e;
            }
            System.err.println("kymux capture: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** One connection to {@code target}, by its scheme. */
    private StreamingUpload connect(URI target) {
        return switch (target.getScheme()) {
            case "ws", "wss" -> new WebSocketUpload(target, fingerprint);
            case "tcp" -> new TcpUpload(target);
            default -> new HttpUpload(target, fingerprint);
        };
    }

    private String where() {
        return to.getHost() + ":" + io.kymux.server.tls.ClientTls.port(to);
    }
}
