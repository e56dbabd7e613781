package io.kymux.client;

import io.kymux.capture.Muxer;
import io.kymux.core.media.MediaKind;
import io.kymux.core.packet.CodecId;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Received tracks muxed by FFmpeg's libavformat ({@code mpegts}, {@code matroska}) into
 * any URL it writes: {@code pipe:1}, a file, {@code tcp://127.0.0.1:PORT?listen=1} for
 * {@code vlc tcp://127.0.0.1:PORT}.
 *
 * <p>A container's header lists its tracks once, so it opens only when every track the
 * server announced (WELCOME's track count) has its TRACK and CONFIG: descriptions come
 * on the control stream and frames as datagrams, so a late audio description would
 * otherwise leave the file without audio. From the first video keyframe (the first audio
 * frame of an audio-only stream) frames are held until then, for at most
 * {@link #DESCRIPTION_WAIT_US} (by the clock: the join replays a cached GOP whose
 * timestamps span seconds in one burst) or {@link #MAX_HELD} frames; then the
 * container opens with the tracks described so far, and a track described later is
 * not written. Timestamps start near zero. When the source's timeline jumps (the client
 * reconnected to a restarted server and capture), it is rebased to continue where the
 * container was, and a packet that would go back in time on its track is dropped.
 */
public final class MuxedOutput implements ClientOutput {

    /** A little room so an audio frame captured just before the first keyframe is not negative. */
    static final long START_OFFSET_US = 200_000;
    /** How long the header waits for a missing track description. */
    public static final long DESCRIPTION_WAIT_US = 1_000_000;
    /** Frames held while waiting, whatever their timestamps say. */
    static final int MAX_HELD = 512;
    /** A jump back by more than this, or forward by more than {@link #FORWARD_JUMP_US}, is a new timeline. */
    static final long BACKWARD_JUMP_US = 1_000_000;
    static final long FORWARD_JUMP_US = 30_000_000;
    /** Where a new timeline continues: one video frame after the last packet. */
    static final long REBASE_GAP_US = 33_333;

    /** Opens the container with these tracks; FFmpeg's {@link Muxer} in use, a fake in a test. */
    @FunctionalInterface
    public interface Container {
        Writer open(List<Muxer.Track> tracks);
    }

    /** An open container. */
    public interface Writer {
        /** Writes a media packet of the track at {@code index} (its place in the header); the payload is not released. */
        void write(int index, ByteBuf payload, long ptsUs, boolean key);

        void close();
    }

    private record Held(int track, long ptsUs, boolean key, ByteBuf payload) {
    }

    private final Container container;
    private final java.util.function.LongSupplier nowUs;
    private final Map<Integer, ControlMessage.Track> tracks = new TreeMap<>();
    private final Map<Integer, byte[]> configs = new TreeMap<>();
    private final Map<Integer, Integer> index = new TreeMap<>();
    private final Deque<Held> held = new ArrayDeque<>();
    private int announced = ControlMessage.Welcome.UNKNOWN_TRACKS;
    private Writer writer;
    private long basePtsUs;
    private long heldSinceUs;
    /** Container time of the last packet written, and each track's (packets must not go back in time). */
    private long lastPts = -1;
    private final Map<Integer, Long> lastTrackPts = new TreeMap<>();

    public MuxedOutput(String format, String url, Map<String, String> options) {
        this(list -> {
            Muxer m = new Muxer(format, url, list, options);
            return new Writer() {
                @Override
                public void write(int i, ByteBuf payload, long ptsUs, boolean key) {
                    m.write(i, payload, ptsUs, key);
                }

                @Override
                public void close() {
                    m.close();
                }
            };
        }, () -> System.nanoTime() / 1000);
    }

    public MuxedOutput(Container container, java.util.function.LongSupplier nowUs) {
        this.container = container;
        this.nowUs = nowUs;
    }

    @Override
    public void announced(int trackCount) {
        announced = trackCount;
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
        if (writer != null) {
            write(track, ptsUs, key, payload);
            return;
        }
        if (!held.isEmpty() && !isVideo(held.peekFirst().track()) && hasVideo()) {
            releaseHeld(); // the audio we started on has a video track after all: start at its keyframe
        }
        if (held.isEmpty() && !startsContainer(track, key)) {
            payload.release();
            return;
        }
        long now = nowUs.getAsLong();
        if (held.isEmpty()) {
            heldSinceUs = now;
        }
        held.addLast(new Held(track, ptsUs, key, payload));
        if (allDescribed() || now - heldSinceUs >= DESCRIPTION_WAIT_US || held.size() >= MAX_HELD) {
            open();
        }
    }

    private boolean startsContainer(int track, boolean key) {
        ControlMessage.Track t = tracks.get(track);
        return t != null && (hasVideo() ? isVideo(track) && key : true);
    }

    private boolean hasVideo() {
        return tracks.values().stream().anyMatch(x -> x.info().kind() == MediaKind.VIDEO);
    }

    private boolean isVideo(int track) {
        ControlMessage.Track t = tracks.get(track);
        return t != null && t.info().kind() == MediaKind.VIDEO;
    }

    /** Every announced track (every known one, from a server that does not announce) has its description and config. */
    private boolean allDescribed() {
        if (announced != ControlMessage.Welcome.UNKNOWN_TRACKS && tracks.size() < announced) {
            return false;
        }
        return tracks.values().stream().allMatch(t -> t.info().codec() == CodecId.RAW || configs.containsKey(t.track()));
    }

    private void open() {
        List<Muxer.Track> list = new ArrayList<>();
        for (ControlMessage.Track d : tracks.values()) {
            index.put(d.track(), list.size());
            list.add(new Muxer.Track(d.info(), configs.get(d.track())));
        }
        basePtsUs = held.peekFirst().ptsUs() - START_OFFSET_US;
        writer = container.open(list);
        while (!held.isEmpty()) {
            Held h = held.pollFirst();
            write(h.track(), h.ptsUs(), h.key(), h.payload());
        }
    }

    private void write(int track, long ptsUs, boolean key, ByteBuf payload) {
        try {
            Integer i = index.get(track);
            if (i == null) {
                return;
            }
            long pts = ptsUs - basePtsUs;
            if (lastPts >= 0 && (pts < lastPts - BACKWARD_JUMP_US || pts > lastPts + FORWARD_JUMP_US)) {
                basePtsUs = ptsUs - (lastPts + REBASE_GAP_US);
                pts = lastPts + REBASE_GAP_US;
            }
            Long trackLast = lastTrackPts.get(track);
            if (pts >= 0 && (trackLast == null || pts > trackLast)) {
                writer.write(i, payload, pts, key);
                lastTrackPts.put(track, pts);
                lastPts = Math.max(lastPts, pts);
            }
        } finally {
            payload.release();
        }
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            held.pollFirst().payload().release();
        }
    }

    @Override
    public void close() {
        if (writer == null && !held.isEmpty()) {
            open(); // a short run still gets what it received
        }
        releaseHeld();
        if (writer != null) {
            writer.close();
        }
    }
}
