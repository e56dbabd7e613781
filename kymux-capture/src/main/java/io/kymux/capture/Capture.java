package io.kymux.capture;

import io.kymux.core.packet.PacketSink;
import io.kymux.core.media.RealtimeClock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture job: source → encoder → packet sink, on the calling thread until
 * {@link #stop()} or the source ends. PTS is the capture instant in µs since the Unix
 * epoch (strictly increasing), never a frame counter.
 */
public final class Capture implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Capture.class);

    private final CaptureOptions options;
    private final PacketSink sink;
    private final AtomicBoolean keyframeRequested = new AtomicBoolean();
    private volatile boolean stopped;
    private long lastPtsUs;

    public Capture(CaptureOptions options, PacketSink sink) {
        this.options = options;
        this.sink = sink;
    }

    /** The next encoded frame will be a keyframe. Safe from any thread. */
    public void requestKeyframe() {
        keyframeRequested.set(true);
    }

    public void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        EncoderSettings enc = options.encoder();
        try (FrameSource source = openSource(); Encoder encoder = new Encoder(enc, options.audio(), sink)) {
            while (!stopped) {
                AVFrame frame = source.next();
                if (frame == null) {
                    break;
                }
                long pts = captureInstantUs(frame);
                encoder.encode(frame, pts, keyframeRequested.getAndSet(false));
            }
            encoder.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sink.close();
        }
        log.debug("capture {} stopped", options.source());
    }

    private long captureInstantUs(AVFrame frame) {
        long us = RealtimeClock.nowUs();
        if (options.audio() && frame.sample_rate() > 0) {
            us -= frame.nb_samples() * 1_000_000L / frame.sample_rate(); // first sample, not last
        }
        lastPtsUs = Math.max(us, lastPtsUs + 1);
        return lastPtsUs;
    }

    private FrameSource openSource() {
        EncoderSettings e = options.encoder();
        Map<String, String> o = new HashMap<>();
        return switch (options.source()) {
            case TEST -> options.audio() ? GeneratedSource.tone(48000, 960)
                    : GeneratedSource.testPattern(e.width(), e.height(), e.fps());
            case DISPLAY -> {
                o.put("framerate", Integer.toString(e.fps()));
                o.put("video_size", e.width() + "x" + e.height());
                o.put("draw_mouse", "1");
                String display = options.device() == null ? ":0.0" : options.device();
                yield new DeviceSource("x11grab", display + "+" + options.offsetX() + "," + options.offsetY(), o,
                        false, e);
            }
            case CAMERA -> {
                o.put("framerate", Integer.toString(e.fps()));
                yield new DeviceSource("v4l2", options.device() == null ? "/dev/video0" : options.device(), o,
                        false, e);
            }
            case AUDIO -> new DeviceSource(options.audioBackend() == null ? "pulse" : options.audioBackend(),
                    options.device() == null ? "default" : options.device(), o, true, e);
        };
    }
}
