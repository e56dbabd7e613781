package io.kymux.core.packet;

import io.kymux.core.media.MediaKind;
import java.util.Optional;

/**
 * Codec identifiers of the packet stream header: four ASCII bytes read as a big-endian
 * u32, the same values scrcpy uses, so a scrcpy-format producer is understood as is.
 */
public enum CodecId {
    H264(0x68323634, MediaKind.VIDEO, "h264"),
    H265(0x68323635, MediaKind.VIDEO, "h265"),
    AV1(0x00617631, MediaKind.VIDEO, "av1"),
    OPUS(0x6F707573, MediaKind.AUDIO, "opus"),
    AAC(0x00616163, MediaKind.AUDIO, "aac"),
    FLAC(0x666C6163, MediaKind.AUDIO, "flac"),
    RAW(0x00726177, MediaKind.AUDIO, "raw");

    private final int id;
    private final MediaKind kind;
    private final String shortName;

    CodecId(int id, MediaKind kind, String shortName) {
        this.id = id;
        this.kind = kind;
        this.shortName = shortName;
    }

    public int id() {
        return id;
    }

    public MediaKind kind() {
        return kind;
    }

    public String shortName() {
        return shortName;
    }

    public static Optional<CodecId> fromId(int id) {
        for (CodecId c : values()) {
            if (c.id == id) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
