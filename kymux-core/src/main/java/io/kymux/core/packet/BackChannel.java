package io.kymux.core.packet;

/**
 * What a server says back to a producer on a bidirectional ingest (WebSocket text
 * message, or a line on a raw TCP ingest): today only "send a keyframe"
 * (docs/protocol/packet-stream.md).
 */
public final class BackChannel {

    public static final String KEYFRAME_REQUEST = "{\"type\":\"keyframe\"}";

    private BackChannel() {
    }

    public static boolean isKeyframeRequest(String message) {
        return message.contains("\"keyframe\"");
    }
}
