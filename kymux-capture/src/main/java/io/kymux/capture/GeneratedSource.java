package io.kymux.capture;

import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** A test source: a libavfilter generator (testsrc2, sine) released in real time. */
final class GeneratedSource implements FrameSource {

    private final FilterChain chain;
    private final Pacer pacer;

    GeneratedSource(List<FilterChain.Step> steps, boolean audio, double framesPerSecond) {
        this.chain = new FilterChain(steps, audio);
        this.pacer = new Pacer(framesPerSecond);
    }

    static GeneratedSource testPattern(int width, int height, int fps) {
        return new GeneratedSource(List.of(
                new FilterChain.Step("testsrc2", "size=" + width + "x" + height + ":rate=" + fps),
                new FilterChain.Step("format", "pix_fmts=yuv420p")), false, fps);
    }

    /** A 440 Hz tone, stereo s16 at 48 kHz, in 20 ms frames (Opus's default frame). */
    static GeneratedSource tone(int sampleRate, int samplesPerFrame) {
        return new GeneratedSource(List.of(
                new FilterChain.Step("sine", "frequency=440:sample_rate=" + sampleRate),
                new FilterChain.Step("aformat", "sample_fmts=s16:channel_layouts=stereo"),
                new FilterChain.Step("asetnsamples", "n=" + samplesPerFrame + ":p=0")), true,
                (double) sampleRate / samplesPerFrame);
    }

    @Override
    public AVFrame next() throws InterruptedException {
        pacer.awaitNext();
        return chain.pull();
    }

    @Override
    public void close() {
        chain.close();
    }
}
