package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;

import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * One scale branch of a capture with renditions: the source picture, scaled (libavfilter
 * {@code scale}) to a rendition's size. The source frame is only referenced, so the next
 * branch and the top rendition's encoder read the same picture.
 */
final class Rescaler implements AutoCloseable {

    private final FilterChain chain;

    Rescaler(int sourceWidth, int sourceHeight, int pixelFormat, int width, int height) {
        String src = String.format("video_size=%dx%d:pix_fmt=%d:time_base=1/1000000:pixel_aspect=1/1", sourceWidth,
                sourceHeight, pixelFormat);
        chain = new FilterChain(List.of(new FilterChain.Step("buffer", src),
                new FilterChain.Step("scale", width + ":" + height + ":flags=bilinear"),
                new FilterChain.Step("format", "pix_fmts=yuv420p")), false);
    }

    /** The source picture at this branch's size; valid until the next call. */
    AVFrame scale(AVFrame source) {
        check(av_buffersrc_add_frame_flags(chain.first(), source, AV_BUFFERSRC_FLAG_KEEP_REF), "scaling a rendition");
        AVFrame out = chain.pull();
        if (out == null) {
            throw new FfmpegException("the scale filter gave no picture");
        }
        return out;
    }

    @Override
    public void close() {
        chain.close();
    }
}
