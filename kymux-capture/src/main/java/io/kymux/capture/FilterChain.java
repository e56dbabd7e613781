package io.kymux.capture;

import static io.kymux.capture.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.util.List;
import org.bytedeco.ffmpeg.avfilter.AVFilter;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A linear libavfilter chain ending in a (a)buffersink, built filter by filter. Using
 * libavfilter directly (not the lavfi input device) keeps libavdevice, and the system
 * audio/X libraries it needs, out of the test sources.
 */
final class FilterChain implements AutoCloseable {

    /** One filter of the chain: its name and option string. */
    record Step(String filter, String args) {
    }

    private final AVFilterGraph graph;
    private final AVFilterContext first;
    private final AVFilterContext sink;
    private final AVFrame frame = av_frame_alloc();

    FilterChain(List<Step> steps, boolean audio) {
        graph = avfilter_graph_alloc();
        AVFilterContext prev = null;
        AVFilterContext head = null;
        int i = 0;
        for (Step s : steps) {
            AVFilterContext ctx = create(s.filter(), "f" + i++, s.args());
            if (prev != null) {
                check(avfilter_link(prev, 0, ctx, 0), "linking " + s.filter());
            } else {
                head = ctx;
            }
            prev = ctx;
        }
        sink = create(audio ? "abuffersink" : "buffersink", "sink", null);
        check(avfilter_link(prev, 0, sink, 0), "linking sink");
        check(avfilter_graph_config(graph, null), "configuring filter graph " + steps);
        first = head;
    }

    /** The first filter, for chains that start with a buffer source fed by the caller. */
    AVFilterContext first() {
        return first;
    }

    /** Pulls the next filtered frame; null when the graph needs input or has ended. */
    AVFrame pull() {
        av_frame_unref(frame);
        int ret = av_buffersink_get_frame(sink, frame);
        return ret < 0 ? null : frame;
    }

    private AVFilterContext create(String name, String label, String args) {
        AVFilter f = avfilter_get_by_name(name);
        if (f == null) {
            throw new FfmpegException("FFmpeg has no filter named " + name);
        }
        AVFilterContext ctx = new AVFilterContext();
        check(avfilter_graph_create_filter(ctx, f, label, args, null, graph), "creating filter " + name + "=" + args);
        return ctx;
    }

    @Override
    public void close() {
        av_frame_free(frame);
        avfilter_graph_free(graph);
    }
}
