package io.kymux.app;

import io.kymux.server.KymuxServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the kymux server. Every flag can also be set by the environment variable named with it.",
        footerHeading = "%nEndpoints (one HTTP port; docs/api.md):%n",
        footer = {
            "  POST /ingest/FEED, ws://HOST/ingest/FEED  packet-stream ingest",
            "  POST /ts/FEED        MPEG-TS ingest (ffmpeg -f mpegts http://HOST:PORT/ts/FEED)",
            "  ws://HOST/ts/NAME    MPEG-TS for jsmpeg (a stream or a feed)",
            "  /watch/NAME          web player: WebTransport (UDP, the QUIC port), else ws://HOST/ws/NAME,",
            "                       else WebRTC; HTTPS on the same port makes it a secure context from afar",
            "  /watch/NAME?transport=webrtc  WebRTC only (WHEP: POST /whep/NAME)",
            "  /api/streams         vw rules: POST, GET /all, DELETE /NAME, DELETE /all",
            "  /api/destinations    vw rules: POST, GET /all or /ID, DELETE /ID or /all",
            "  /api/feeds, /api/sessions, /metrics, /healthz"})
final class ServerCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception {
        options.applyLogLevel();
        try (KymuxServer server = new KymuxServer(options.toConfig()).start()) {
            options.startPulls(server);
            System.err.println("kymux server");
            ViewerUrls.lines(server, "/", options.httpPlain).forEach(l -> System.err.println("  " + l));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
