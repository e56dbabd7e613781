package io.kymux.capture;

import io.kymux.core.packet.PacketSink;
import io.kymux.core.media.RealtimeClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture job: source → encoder → packet sink, on the calling thread until
 * {@link #stop()} or the source ends. PTS is the capture instant in µs since the Unix
 * epoch (strictly increasing), never a frame counter.
 *
 * <p>With several outputs (renditions) the source is read once, at the first output's
 * size, and each further output gets its own scale branch and encoder. Every encoder gets
 * every picture with the same PTS, and a keyframe request forces an IDR on all of them at
 * once, so the renditions' keyframes are aligned.
 */
public final class Capture implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Capture.class);

    /** One encoding of the source and where its packets go. */
    public record Output(EncoderSettings encoder, PacketSink sink) {
    }

    private final CaptureOptions options;
    private final List<Output> outputs;
    /** Per output: a bitrate the server asked for and the encoder has not taken yet, 0 if none. */
    private final java.util.concurrent.atomic.AtomicLongArray bitrateRequested;
    private final AtomicBoolean keyframeRequested = new AtomicBoolean();
    private volatile boolean stopped;
    private long lastPtsUs;

    public Capture(CaptureOptions options, PacketSink sink) {
        this(options, List.of(new Output(options.encoder(), sink)));
    }

    /** Renditions: the source is captured at the first output's size (the options' encoder settings are ignored). */
    public Capture(CaptureOptions options, List<Output> outputs) {
        this.options = new CaptureOptions(options.source(), options.audio(), options.device(), options.audioBackend(),
                options.offsetX(), options.offsetY(), outputs.get(0).encoder());
        this.outputs = List.copyOf(outputs);
        this.bitrateRequested = new java.util.concurrent.atomic.AtomicLongArray(outputs.size());
    }

    /**
     * Output {@code index}'s encoder takes this bitrate at its next frame (a rate-following
     * viewer's link). Safe from any thread.
     */
    public void requestBitrate(int index, long bitsPerSecond) {
        if (bitsPerSecond > 0) {
            bitrateRequested.set(index, bitsPerSecond);
        }
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
        List<Encoder> encoders = new ArrayList<>();
        List<Rescaler> scalers = new ArrayList<>();
        try (FrameSource source = openSource()) {
            for (Output o : outputs) {
                encoders.add(new Encoder(o.encoder(), options.audio(), o.sink()));
            }
            while (!stopped) {
                AVFrame frame = source.next();
                if (frame == null) {
                    break;
                }
                long pts = captureInstantUs(frame);
                boolean key = keyframeRequested.getAndSet(false);
                for (int i = 0; i < encoders.size(); i++) {
                    long bitrate = bitrateRequested.getAndSet(i, 0);
                    if (bitrate > 0) {
                        encoders.get(i).setBitrate(bitrate);
                        log.debug("output {} now at {} bit/s", i, bitrate);
                    }
                }
                encoders.get(0).encode(frame, pts, key);
                for (int i = 1; i < outputs.size(); i++) {
                    if (scalers.size() < i) {
                        EncoderSettings e = outputs.get(i).encoder();
                        scalers.add(new Rescaler(frame.width(), frame.height(), frame.format(), e.width(), e.height()));
                    }
                    encoders.get(i).encode(scalers.get(i - 1).scale(frame), pts, key);
                }
            }
            encoders.forEach(Encoder::flush);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            encoders.forEach(Encoder::close);
            scalers.forEach(Rescaler::close);
            outputs.forEach(o -> o.sink().close());
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
