package io.kymux.server;

import io.kymux.core.feed.FeedLimits;
import io.kymux.core.packet.PacketStreamDecoder;
import io.kymux.core.session.QueueLimits;

/**
 * Everything the server can be told, with the defaults documented in
 * {@code kymux server --help}. {@code port} 0 picks a free port (tests).
 *
 * @param destinationLimits the queue of a destination's push: like a viewer's, with a longer
 *                          budget, since a relay hop should ride out scheduling hiccups
 * @param adminToken        null: API changes only from loopback; otherwise they need this bearer token
 */
public record ServerConfig(String bindHost, int port, FeedLimits feedLimits, QueueLimits queueLimits,
                           QueueLimits destinationLimits, int maxPacketSize, int maxFeeds, int sendBufferBytes,
                           String adminToken) {

    /** Kernel send buffer per connection: enough for 20 Mb/s at 100 ms RTT, small enough to stay fresh. */
    public static final int DEFAULT_SEND_BUFFER = 256 * 1024;

    public static final int DEFAULT_PORT = 8888;

    /** 240 frames, 16 MiB, 1 s; a new keyframe does not drop what is queued. */
    public static final QueueLimits DEFAULT_DESTINATION_LIMITS = new QueueLimits(240, 16L * 1024 * 1024, 1_000_000, false);

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, FeedLimits.DEFAULT, QueueLimits.DEFAULT,
                DEFAULT_DESTINATION_LIMITS, PacketStreamDecoder.DEFAULT_MAX_PACKET_SIZE, 256, DEFAULT_SEND_BUFFER, null);
    }

    public ServerConfig withAdminToken(String token) {
        return new ServerConfig(bindHost, port, feedLimits, queueLimits, destinationLimits, maxPacketSize, maxFeeds,
                sendBufferBytes, token);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(bindHost, p, feedLimits, queueLimits, destinationLimits, maxPacketSize, maxFeeds,
                sendBufferBytes, adminToken);
    }

    public ServerConfig withBindHost(String h) {
        return new ServerConfig(h, port, feedLimits, queueLimits, destinationLimits, maxPacketSize, maxFeeds,
                sendBufferBytes, adminToken);
    }

    public ServerConfig withFeedLimits(FeedLimits l) {
        return new ServerConfig(bindHost, port, l, queueLimits, destinationLimits, maxPacketSize, maxFeeds,
                sendBufferBytes, adminToken);
    }

    public ServerConfig withQueueLimits(QueueLimits l) {
        return new ServerConfig(bindHost, port, feedLimits, l, destinationLimits, maxPacketSize, maxFeeds,
                sendBufferBytes, adminToken);
    }
}
