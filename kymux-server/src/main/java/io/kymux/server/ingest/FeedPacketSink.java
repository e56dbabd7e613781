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

    private final Runnable keyframeRequester;

    /** {@code keyframeRequester} is how the feed asks this producer for a keyframe (may be null). */
    public FeedPacketSink(Feed feed, LongSupplier clockUs, Runnable keyframeRequester) {
        this.feed = feed;
        this.clockUs = clockUs;
        this.keyframeRequester = keyframeRequester;
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
