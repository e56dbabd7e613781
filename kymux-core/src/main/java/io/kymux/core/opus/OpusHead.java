package io.kymux.core.opus;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The Opus identification header (RFC 7845 section 5.1), as FFmpeg puts it in extradata. */
public record OpusHead(int channels, int preSkip, long inputSampleRate) {

    private static final byte[] MAGIC = "OpusHead".getBytes(StandardCharsets.US_ASCII);

    /** Opus always decodes at 48 kHz whatever the input rate was. */
    public static final int DECODE_RATE = 48000;

    /** The 19-byte header (mapping family 0), as a config packet carries it. */
    public ByteBuf encode() {
        return io.netty.buffer.Unpooled.buffer(19).writeBytes(MAGIC).writeByte(1).writeByte(channels)
                .writeShortLE(preSkip).writeIntLE((int) inputSampleRate).writeShortLE(0).writeByte(0);
    }

    public static Optional<OpusHead> parse(ByteBuf b) {
        int i = b.readerIndex();
        if (b.readableBytes() < 19) {
            return Optional.empty();
        }
        for (int k = 0; k < MAGIC.length; k++) {
            if (b.getByte(i + k) != MAGIC[k]) {
                return Optional.empty();
            }
        }
        int channels = b.getUnsignedByte(i + 9);
        if (channels == 0) {
            return Optional.empty();
        }
        return Optional.of(new OpusHead(channels, b.getUnsignedShortLE(i + 10), b.getUnsignedIntLE(i + 12)));
    }

    /** Frame lengths by TOC config (RFC 6716 3.1), in tenths of a millisecond. */
    private static final int[] FRAME_TENTHS_MS = {
        100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600, // SILK NB, MB, WB
        100, 200, 100, 200, // hybrid SWB, FB
        25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, // CELT
    };

    /**
     * How long an Opus packet of {@code size} bytes at {@code offset} plays, µs: its TOC
     * config's frame length times its frame count (RFC 6716 3.1, 3.2.5); 20 ms if unreadable.
     */
    public static long packetDurationUs(ByteBuf b, int offset, int size) {
        if (size < 1) {
            return 20_000;
        }
        int toc = b.getUnsignedByte(offset);
        int code = toc & 0x03;
        int frames = code == 0 ? 1 : code == 3 ? (size >= 2 ? b.getUnsignedByte(offset + 1) & 0x3f : 1) : 2;
        return (long) FRAME_TENTHS_MS[toc >> 3] * 100 * Math.max(1, frames);
    }
}
