package io.kymux.core.packet;

import io.kymux.core.media.MediaKind;

/**
 * The codec header at the start of a packet stream. Video: codec id, width, height
 * (12 bytes). Audio: codec id only (4 bytes). Width and height are 0 for audio.
 */
public record StreamHeader(CodecId codec, int width, int height) implements PacketStreamEvent {

    public StreamHeader {
        if (codec == null) {
            throw new IllegalArgumentException("codec is required");
        }
        if (codec.kind() == MediaKind.AUDIO && (width != 0 || height != 0)) {
            throw new IllegalArgumentException("audio header has no dimensions");
        }
    }

    public static StreamHeader video(CodecId codec, int width, int height) {
        return new StreamHeader(codec, width, height);
    }

    public static StreamHeader audio(CodecId codec) {
        return new StreamHeader(codec, 0, 0);
    }

    public MediaKind kind() {
        return codec.kind();
    }

    /** Bytes this header takes on the wire. */
    public int encodedSize() {
        return codec.kind() == MediaKind.VIDEO ? 12 : 4;
    }
}
