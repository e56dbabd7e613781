package io.kymux.app;

import io.kymux.capture.StreamPull;
import io.kymux.core.feed.Feed;
import io.kymux.server.ingest.FeedPacketSink;
import io.kymux.server.pull.Pulls;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's pulls through libavformat ({@link StreamPull}), each on a thread of its own. */
final class FfmpegPuller implements Pulls.Puller {

    private static final Logger log = LoggerFactory.getLogger(FfmpegPuller.class);

    private final LongSupplier clockUs;

    FfmpegPuller(LongSupplier clockUs) {
        this.clockUs = clockUs;
    }

    @Override
    public AutoCloseable pull(String url, Feed feed, Consumer<Pulls.State> states) {
        FfmpegLogging.quiet();
        FeedPacketSink sink = new FeedPacketSink(feed, clockUs);
        StreamPull pull = new StreamPull(url, sink, clockUs, s -> {
            Pulls.State state = new Pulls.State(s.phase().name().toLowerCase(Locale.ROOT), s.connections(), s.lastError());
            states.accept(state);
            if (s.phase() == StreamPull.Phase.RETRYING) {
                log.info("pull {} from {}: {}; retrying", feed.name(), url, s.lastError());
            } else if (s.phase() == StreamPull.Phase.PLAYING) {
                log.info("pull {} from {}: playing (connection {})", feed.name(), url, s.connections());
            }
        });
        Thread t = new Thread(pull, "pull-" + feed.name());
        t.setDaemon(true);
        t.start();
        return () -> {
            pull.stop();
            t.join(5000);
            feed.close();
        };
    }
}
