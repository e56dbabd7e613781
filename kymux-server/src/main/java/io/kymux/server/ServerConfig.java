package io.kymux.server;

import io.kymux.core.feed.FeedLimits;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.session.QueueLimits;

/**
 * Everything the server can be told, with the defaults documented in
 * {@code kymux server --help}. {@code port} 0 picks a free port (tests).
 */
public record ServerConfig(String bindHost, int port, FeedLimits feedLimits, QueueLimits queueLimits,
                           int maxPacketSize, int maxFeeds) {

    public static final int DEFAULT_PORT = 8888;

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, FeedLimits.DEFAULT, QueueLimits.DEFAULT,
                PacketStreamDecoder.DEFAULT_MAX_PACKET_SIZE, 256);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(bindHost, p, feedLimits, queueLimits, maxPacketSize, maxFeeds);
    }

    public ServerConfig withBindHost(String h) {
        return new ServerConfig(h, port, feedLimits, queueLimits, maxPacketSize, maxFeeds);
    }

    public ServerConfig withFeedLimits(FeedLimits l) {
        return new ServerConfig(bindHost, port, l, queueLimits, maxPacketSize, maxFeeds);
    }

    public ServerConfig withQueueLimits(QueueLimits l) {
        return new ServerConfig(bindHost, port, feedLimits, l, maxPacketSize, maxFeeds);
    }
}
