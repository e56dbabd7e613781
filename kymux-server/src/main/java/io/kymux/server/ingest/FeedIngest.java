package io.kymux.server.ingest;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.PacketStreamException;
import io.kymux.core.packet.StreamHeader;
import io.kymux.server.Kymux;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * One producer's packet stream into its feed, whatever carries it (HTTP body, WebSocket,
 * raw TCP): the sans-I/O decoder, publishing, metrics, the keyframe back channel if the
 * transport has one, and the end of the feed. Used on one event loop.
 */
public final class FeedIngest {

    private final Kymux kymux;
    private final Feed feed;
    private final PacketStreamDecoder decoder;
    private final Runnable keyframeRequester;
    private java.util.function.LongConsumer bitrateRequester;
    private final List<PacketStreamEvent> events = new ArrayList<>();
    private boolean opened;
    private boolean ended;

    /** {@code keyframeRequester}: how to ask this producer for a keyframe, or null if it cannot be asked. */
    public FeedIngest(Kymux kymux, Feed feed, ByteBufAllocator alloc, Runnable keyframeRequester) {
        this.kymux = kymux;
        this.feed = feed;
        this.decoder = new PacketStreamDecoder(alloc, kymux.config().maxPacketSize());
        this.keyframeRequester = keyframeRequester;
    }

    /** The transport can also ask the producer for a bitrate (the WebSocket ingest). */
    public void askBitrateWith(java.util.function.LongConsumer requester) {
        bitrateRequester = requester;
    }

    public Feed feed() {
        return feed;
    }

    /**
     * Decodes and publishes these bytes (not released). A malformed stream throws; the
     * ingest is then ended, counted, and the caller tells the producer and closes.
     */
    public void accept(ByteBuf bytes) throws PacketStreamException {
        if (ended) {
            return;
        }
        try {
            decoder.decode(bytes, events);
        } catch (PacketStreamException e) {
            releaseEvents();
            kymux.metrics().ingestError(e.reason().name().toLowerCase());
            end();
            throw e;
        }
        long now = kymux.nowUs();
        for (int i = 0; i < events.size(); i++) {
            PacketStreamEvent ev = events.get(i);
            events.set(i, null);
            if (ev instanceof StreamHeader h) {
                feed.open(h);
                feed.setKeyframeRequester(keyframeRequester);
                feed.setBitrateRequester(bitrateRequester);
                opened = true;
            } else if (ev instanceof MediaPacket p) {
                kymux.metrics().frameIn();
                feed.publish(p, now);
            }
        }
        events.clear();
    }

    /** The producer finished cleanly: a stream cut inside a packet is an error. */
    public void finish() throws PacketStreamException {
        try {
            decoder.finish();
        } catch (PacketStreamException e) {
            kymux.metrics().ingestError(e.reason().name().toLowerCase());
            end();
            throw e;
        }
    }

    private void releaseEvents() {
        for (PacketStreamEvent ev : events) {
            if (ev instanceof MediaPacket p) {
                p.release();
            }
        }
        events.clear();
    }

    /** Ends the feed and frees the producer slot; safe to call more than once. */
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        decoder.close();
        if (opened) {
            feed.close();
        }
        kymux.releaseProducer(feed.name());
    }

    public boolean ended() {
        return ended;
    }
}
