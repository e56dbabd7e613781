package io.kymux.client;

import io.kymux.capture.Muxer;
import io.kymux.core.media.MediaKind;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Received tracks muxed by FFmpeg's libavformat ({@code mpegts}, {@code matroska}) into
 * any URL it writes: {@code pipe:1}, a file, {@code tcp://127.0.0.1:PORT?listen=1} for
 * {@code vlc tcp://127.0.0.1:PORT}. The container opens at the first video keyframe (or
 * the first audio frame of an audio-only stream) with the tracks described by then;
 * timestamps start near zero. Frames before that, or of tracks described later, are skipped.
 */
public final class MuxedOutput implements ClientOutput {

    /** A little room so an audio frame captured just before the first keyframe is not negative. */
    static final long START_OFFSET_US = 200_000;

    private final String format;
    private final String url;
    private final Map<String, String> options;
    private final Map<Integer, ControlMessage.Track> tracks = new TreeMap<>();
    private final Map<Integer, byte[]> configs = new TreeMap<>();
    private final Map<Integer, Integer> index = new TreeMap<>();
    private Muxer muxer;
    private long basePtsUs;

    public MuxedOutput(String format, String url, Map<String, String> options) {
        this.format = format;
        this.url = url;
        this.options = options;
    }

    @Override
    public void track(ControlMessage.Track t) {
        tracks.put(t.track(), t);
    }

    @Override
    public void config(ControlMessage.Config c) {
        configs.put(c.track(), c.payload());
    }

    @Override
    public void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
        try {
            if (muxer == null && !open(track, key, ptsUs)) {
                return;
            }
            Integer i = index.get(track);
            long pts = ptsUs - basePtsUs;
            if (i == null || pts < 0) {
                return;
            }
            muxer.write(i, payload, pts, key);
        } finally {
            payload.release();
        }
    }

    private boolean open(int track, boolean key, long ptsUs) {
        ControlMessage.Track t = tracks.get(track);
        boolean hasVideo = tracks.values().stream().anyMatch(x -> x.info().kind() == MediaKind.VIDEO);
        if (t == null || (hasVideo && (t.info().kind() != MediaKind.VIDEO || !key))) {
            return false;
        }
        List<Muxer.Track> list = new ArrayList<>();
        for (ControlMessage.Track d : tracks.values()) {
            index.put(d.track(), list.size());
            list.add(new Muxer.Track(d.info(), configs.get(d.track())));
        }
        basePtsUs = ptsUs - START_OFFSET_US;
        muxer = new Muxer(format, url, list, options);
        return true;
    }

    @Override
    public void close() {
        if (muxer != null) {
            muxer.close();
        }
    }
}
