package io.kymux.core.packet;

/**
 * What a server says back to a producer on a bidirectional ingest (WebSocket text
 * message, or a line on a raw TCP ingest): "send a keyframe", and on the WebSocket ingest
 * "encode at this bitrate" (docs/protocol/packet-stream.md).
 */
public final class BackChannel {

    public static final String KEYFRAME_REQUEST = "{\"type\":\"keyframe\"}";

    private BackChannel() {
    }

    public static boolean isKeyframeRequest(String message) {
        return message.contains("\"keyframe\"");
    }

    /** Asks the producer to encode at this many bits per second from now on. */
    public static String bitrateRequest(long bitsPerSecond) {
        return "{\"type\":\"bitrate\",\"bitsPerSecond\":" + bitsPerSecond + "}";
    }

    /** The bits per second a {@link #bitrateRequest} asks for; -1 if the message is not one. */
    public static long bitrateRequested(String message) {
        java.util.regex.Matcher m = BITRATE.matcher(message);
        if (!message.contains("\"bitrate\"") || !m.find()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final java.util.regex.Pattern BITRATE = java.util.regex.Pattern.compile("\"bitsPerSecond\"\\s*:\\s*(\\d{1,12})(?!\\d)");
}
