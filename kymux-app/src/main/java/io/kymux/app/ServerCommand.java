package io.kymux.app;

import io.kymux.server.KymuxServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the kymux server: ingest at POST /ingest/FEED, viewers at /ws/NAME and /watch/NAME.")
final class ServerCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception {
        try (KymuxServer server = new KymuxServer(options.toConfig()).start()) {
            System.err.println("kymux server on http://localhost:" + server.port() + "/");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
