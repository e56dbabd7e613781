package io.kymux.app;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.core.feed.Feed;
import io.kymux.server.Kymux;
import io.kymux.server.KymuxServer;
import io.kymux.server.ingest.FeedPacketSink;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the server with a built-in test source (video0 + audio0, stream 'demo') and print the URL.")
final class DemoCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options;

    @Option(names = "--size", defaultValue = "1280x720", converter = VideoSize.Converter.class,
            description = "video size WxH (default ${DEFAULT-VALUE})")
    VideoSize size;

    @Option(names = "--fps", defaultValue = "30", description = "frames per second (default ${DEFAULT-VALUE})")
    int fps;

    @Override
    public Integer call() throws Exception {
        FfmpegLogging.quiet();
        options.applyLogLevel();
        try (KymuxServer server = new KymuxServer(options.toConfig()).start()) {
            options.startPulls(server);
            Kymux k = server.kymux();
            Capture video = start(k, "video0", CaptureOptions.testVideo(
                    EncoderSettings.h264(size.width(), size.height(), fps, fps * 2, 2_000_000)));
            Capture audio = start(k, "audio0", CaptureOptions.testAudio(EncoderSettings.opus(64_000)));
            k.streams().put("demo", List.of("video0", "audio0"));
            System.out.println("kymux demo: watch");
            ViewerUrls.lines(server, "/watch/demo", options.httpPlain).forEach(l -> System.out.println("  " + l));
            System.out.println("  all feeds at http://localhost:" + server.port() + "/");
            System.out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                video.stop();
                audio.stop();
                stop.countDown();
            }));
            stop.await();
        }
        return 0;
    }

    static Capture start(Kymux k, String feedName, CaptureOptions opts) {
        Feed feed = k.feeds().getOrCreate(feedName).orElseThrow();
        k.claimProducer(feedName);
        FeedPacketSink sink = new FeedPacketSink(feed, k.clock());
        Capture c = new Capture(opts, sink);
        sink.answerKeyframeRequestsWith(c::requestKeyframe);
        Thread t = new Thread(c, "capture-" + feedName);
        t.setDaemon(true);
        t.start();
        return c;
    }
}
