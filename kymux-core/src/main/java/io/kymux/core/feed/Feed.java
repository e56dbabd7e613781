package io.kymux.core.feed;

import io.kymux.core.h264.H264Config;
import io.kymux.core.media.Frame;
import io.kymux.core.media.MediaKind;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.media.TrackInfos;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One track from one producer: its codec description, latest config packet, GOP cache,
 * sequence numbers and stats, and the sinks (viewer sessions) it fans out to.
 *
 * <p>Sans-I/O: time comes in as {@code nowUs}. Thread-safe by a single monitor, held
 * only for non-blocking work; sinks are called under it so a joining viewer sees the
 * cached GOP and then live frames with no gap and no duplicate.
 */
public final class Feed {

    private final String name;
    private final GopCache gop;
    private final List<FrameSink> sinks = new ArrayList<>();
    private final RateMeter rate = new RateMeter();
    private StreamHeader header;
    private TrackInfo track;
    private Frame config;
    private boolean live;
    private long nextSeq;
    private long framesIn;
    private long bytesIn;
    private long keyframes;
    private long lastPtsUs;
    private long lastReceivedUs;
    private Runnable keyframeRequester;
    private long lastKeyframeRequestUs = Long.MIN_VALUE;
    private long declaredBitsPerSecond;
    private java.util.function.LongConsumer bitrateRequester;
    private long lastBitrateRequestUs = Long.MIN_VALUE;
    /** The request before the last one: two in a second at most. */
    private long previousBitrateRequestUs = Long.MIN_VALUE;
    private long requestedBitsPerSecond = -1;

    /** Bitrate requests to the producer: at most two in any such window… */
    public static final long BITRATE_WINDOW_US = 1_000_000;
    /** … and a climb only this long after the last request, so a back-off can always go at once. */
    public static final long CLIMB_INTERVAL_US = 1_000_000;
    /** The least a rate-following producer is asked for, whatever the link. */
    public static final long BITRATE_FLOOR = 100_000;
    /** A rate-following producer is asked for at most this much more than before, per request. */
    public static final double CLIMB = 1.25;
    /** … and, after late drops, for this share of what it was asked before at most. */
    public static final double BACK_OFF = 0.7;

    /** At most one keyframe request to the producer per this interval. */
    public static final long KEYFRAME_REQUEST_INTERVAL_US = 500_000;

    public Feed(String name, FeedLimits limits) {
        this.name = name;
        this.gop = new GopCache(limits);
    }

    public String name() {
        return name;
    }

    /** A producer (re)starts this feed. A new producer means a new reference chain. */
    public synchronized void open(StreamHeader newHeader) {
        boolean sameCodec = header != null && header.codec() == newHeader.codec();
        header = newHeader;
        live = true;
        gop.clear();
        if (!sameCodec) {
            setConfig(null);
        }
        updateTrack();
    }

    /** Takes ownership of the packet's payload. */
    public synchronized void publish(MediaPacket packet, long nowUs) {
        if (header == null) {
            packet.release();
            throw new IllegalStateException("feed " + name + " has no stream header");
        }
        if (packet.config()) {
            acceptConfig(packet.payload(), packet.ptsUs(), nowUs);
            return;
        }
        if (packet.key() && (header.codec() == CodecId.H264 || header.codec() == CodecId.H265)) {
            adoptInBandParameterSets(packet.payload(), packet.ptsUs(), nowUs);
        }
        Frame frame = new Frame(nextSeq++, packet.ptsUs(), false, packet.key(), nowUs, direct(packet.payload()));
        framesIn++;
        bytesIn += frame.size();
        lastPtsUs = frame.ptsUs();
        lastReceivedUs = nowUs;
        rate.record(nowUs, frame.size());
        if (frame.key()) {
            keyframes++;
        }
        if (header.kind() == MediaKind.VIDEO) {
            gop.add(frame, nowUs);
        }
        for (FrameSink s : sinks) {
            s.onFrame(this, frame.retainedDuplicate());
        }
        frame.release();
    }

    /**
     * How to ask this feed's producer for a keyframe (an in-process capture, or a back
     * channel of a bidirectional ingest); null when the producer cannot be asked.
     */
    public synchronized void setKeyframeRequester(Runnable requester) {
        keyframeRequester = requester;
    }

    /**
     * A viewer needs a keyframe. Forwarded to the producer at most once per
     * {@link #KEYFRAME_REQUEST_INTERVAL_US}; returns true if forwarded now.
     */
    public synchronized boolean requestKeyframe(long nowUs) {
        if (keyframeRequester == null || !live
                || (lastKeyframeRequestUs != Long.MIN_VALUE && nowUs - lastKeyframeRequestUs < KEYFRAME_REQUEST_INTERVAL_US)) {
            return false;
        }
        lastKeyframeRequestUs = nowUs;
        keyframeRequester.run();
        return true;
    }

    /** The producer's own bitrate ceiling for this feed (a rendition's), bits per second; 0: none. */
    public synchronized void declareBitrate(long bitsPerSecond) {
        declaredBitsPerSecond = Math.max(0, bitsPerSecond);
    }

    /** The producer's declared ceiling, bits per second; 0: none. */
    public synchronized long declaredBitsPerSecond() {
        return declaredBitsPerSecond;
    }

    /**
     * What a viewer's link must carry for this feed: the declared ceiling, else the rate
     * measured over the last second.
     */
    public synchronized long bitsPerSecond() {
        return declaredBitsPerSecond > 0 ? declaredBitsPerSecond : (long) rate.bitrate();
    }

    /**
     * How to ask this feed's producer for another bitrate (the WebSocket ingest's back
     * channel); null when it cannot be asked.
     */
    public synchronized void setBitrateRequester(java.util.function.LongConsumer requester) {
        bitrateRequester = requester;
    }

    /**
     * The one viewer of this feed can carry this many bits per second: the producer is asked
     * to encode at that, bounded by the feed's declared ceiling and {@link #BITRATE_FLOOR} (a
     * tenth of the ceiling at least), twice per {@link #BITRATE_WINDOW_US} at most and only
     * for a change of 5 % or more. It climbs by {@link #CLIMB} of the rate asked before at
     * most, once per {@link #CLIMB_INTERVAL_US} (an estimate that overshoots costs a step, not
     * a stall), and when the viewer's link was {@code over} (late drops, a standing queue) it
     * falls to {@link #BACK_OFF} of it at least, at once: the second request a window allows
     * is kept for that. With more
     * viewers, or none, nothing is asked: one viewer's link must not lower the picture of the
     * others. Returns the rate asked for, or -1.
     */
    public synchronized long followRate(long bitsPerSecond, boolean over, long nowUs) {
        if (bitrateRequester == null || !live || sinks.size() != 1 || bitsPerSecond <= 0) {
            return -1;
        }
        long ceiling = declaredBitsPerSecond > 0 ? declaredBitsPerSecond : Long.MAX_VALUE;
        long floor = Math.min(ceiling, Math.max(BITRATE_FLOOR, declaredBitsPerSecond / 10));
        long current = requestedBitsPerSecond > 0 ? requestedBitsPerSecond : ceiling;
        long wanted = bitsPerSecond;
        if (current != Long.MAX_VALUE) {
            wanted = Math.min(wanted, (long) (current * CLIMB));
            if (over) {
                wanted = Math.min(wanted, (long) (current * BACK_OFF));
            }
        }
        long target = Math.max(floor, Math.min(ceiling, wanted));
        boolean climb = current != Long.MAX_VALUE && target > current;
        boolean tooSoon = climb ? since(lastBitrateRequestUs, nowUs) < CLIMB_INTERVAL_US
                : since(previousBitrateRequestUs, nowUs) < BITRATE_WINDOW_US;
        if (tooSoon || (current != Long.MAX_VALUE && Math.abs(target - current) * 20 < current)) {
            return -1;
        }
        previousBitrateRequestUs = lastBitrateRequestUs;
        lastBitrateRequestUs = nowUs;
        requestedBitsPerSecond = target;
        bitrateRequester.accept(target);
        return target;
    }

    private static long since(long thenUs, long nowUs) {
        return thenUs == Long.MIN_VALUE ? Long.MAX_VALUE : nowUs - thenUs;
    }

    /** The bitrate the producer was last asked for; -1 if none since it started. */
    public synchronized long requestedBitsPerSecond() {
        return requestedBitsPerSecond;
    }

    /** The producer went away. Viewers stay subscribed and resume if it returns. */
    public synchronized void close() {
        live = false;
        keyframeRequester = null;
        bitrateRequester = null;
        requestedBitsPerSecond = -1;
        gop.clear();
        for (FrameSink s : sinks) {
            s.onSourceEnded(this);
        }
    }

    /**
     * Adds a sink and immediately gives it the track description, the config packet and
     * the cached GOP, so its first frame is decodable. Returns false if already added.
     */
    public synchronized boolean subscribe(FrameSink sink, long nowUs) {
        if (sinks.contains(sink)) {
            return false;
        }
        if (track != null) {
            sink.onTrack(this, track);
        }
        if (config != null) {
            sink.onFrame(this, config.retainedDuplicate());
        }
        for (Frame f : gop.snapshot()) {
            sink.onFrame(this, f);
        }
        sinks.add(sink);
        return true;
    }

    public synchronized void unsubscribe(FrameSink sink) {
        sinks.remove(sink);
    }

    /** True for a video feed; false for audio or before a producer opened it. */
    public synchronized boolean isVideo() {
        return header != null && header.kind() == MediaKind.VIDEO;
    }

    public synchronized Optional<TrackInfo> track() {
        return Optional.ofNullable(track);
    }

    public synchronized boolean live() {
        return live;
    }

    public synchronized FeedStats stats() {
        return new FeedStats(framesIn, bytesIn, keyframes, lastPtsUs, rate.fps(), rate.bitrate(), sinks.size(),
                gop.frameCount(), gop.bytes(), gop.overflows(), framesIn == 0 ? 0 : lastReceivedUs - lastPtsUs);
    }

    /** Releases cached buffers; the feed is unusable afterwards. */
    public synchronized void dispose() {
        gop.clear();
        setConfig(null);
        sinks.clear();
        live = false;
    }

    private void acceptConfig(ByteBuf payload, long ptsUs, long nowUs) {
        if (config != null && ByteBufUtil.equals(config.payload(), payload)) {
            payload.release();
            return; // repeated, unchanged
        }
        setConfig(new Frame(nextSeq, ptsUs, true, false, nowUs, direct(payload)));
        updateTrack();
        for (FrameSink s : sinks) {
            s.onFrame(this, config.retainedDuplicate());
        }
    }

    /**
     * The payload in direct memory. Every transport writes a frame to a socket; a heap
     * payload would be copied to direct memory once per viewer on the way, so a heap one
     * from a producer is copied here, once. Network ingests already deliver direct buffers.
     */
    private static ByteBuf direct(ByteBuf payload) {
        if (payload.isDirect()) {
            return payload;
        }
        ByteBuf d = PooledByteBufAllocator.DEFAULT.directBuffer(payload.readableBytes());
        d.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        payload.release();
        return d;
    }

    /** A producer that sends parameter sets only inside keyframes still gets a config packet. */
    private void adoptInBandParameterSets(ByteBuf au, long ptsUs, long nowUs) {
        (header.codec() == CodecId.H265 ? io.kymux.core.h265.HevcNal.extractParameterSets(au, PooledByteBufAllocator.DEFAULT)
                : H264Config.extractParameterSets(au, PooledByteBufAllocator.DEFAULT))
                .ifPresent(ps -> acceptConfig(ps, ptsUs, nowUs));
    }

    private void setConfig(Frame f) {
        if (config != null) {
            config.release();
        }
        config = f;
    }

    private void updateTrack() {
        TrackInfo next = TrackInfos.of(header, config == null ? null : config.payload());
        if (!next.equals(track)) {
            track = next;
            for (FrameSink s : sinks) {
                s.onTrack(this, track);
            }
        }
    }
}
