package io.kymux.core.packet;

/**
 * The one error a {@link PacketStreamDecoder} throws: the input is not a valid packet
 * stream. The message says what was wrong and at which stream offset.
 */
public final class PacketStreamException extends RuntimeException {

    /** Why a stream was rejected; used as a metrics tag. */
    public enum Reason {
        UNKNOWN_CODEC,
        BAD_DIMENSIONS,
        PACKET_TOO_LARGE,
        EMPTY_PACKET,
        TRUNCATED,
        DECODER_FAILED
    }

    private final Reason reason;
    private final long offset;

    public PacketStreamException(Reason reason, long offset, String message) {
        super(message + " (at stream offset " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    public long offset() {
        return offset;
    }
}
