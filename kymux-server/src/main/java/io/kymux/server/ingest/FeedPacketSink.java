package io.kymux.server.ingest;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import java.util.function.LongSupplier;

/** A producer in the same process (the demo's test source) publishing straight into a feed. */
public final class FeedPacketSink implements PacketSink {

    private final Feed feed;
    private final LongSupplier clockUs;

    private volatile Runnable keyframeRequester;

    public FeedPacketSink(Feed feed, LongSupplier clockUs) {
        this.feed = feed;
        this.clockUs = clockUs;
    }

    /** How the feed asks this producer for a keyframe; set before the producer opens the stream. */
    public FeedPacketSink answerKeyframeRequestsWith(Runnable requester) {
        this.keyframeRequester = requester;
        return this;
    }

    @Override
    public void open(StreamHeader header) {
        feed.open(header);
        feed.setKeyframeRequester(keyframeRequester);
    }

    @Override
    public void accept(MediaPacket packet) {
        feed.publish(packet, clockUs.getAsLong());
    }

    @Override
    public void close() {
        feed.close();
    }
}
