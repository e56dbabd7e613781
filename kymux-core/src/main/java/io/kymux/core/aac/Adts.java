package io.kymux.core.aac;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ADTS, the framing of AAC in MPEG-TS (ISO/IEC 13818-7 6.2, 14496-3 1.A.2): a 7- or 9-byte
 * header before each raw AAC frame of 1024 samples. Every read stays in its buffer.
 */
public final class Adts {

    static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};

    /** What an ADTS header says of the stream: the AAC object type, rate and channels. */
    public record Format(int objectType, int rateIndex, int channels) {

        public int sampleRate() {
            return RATES[rateIndex];
        }

        /** The 2-byte AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) an MP4 or WebCodecs description holds. */
        public ByteBuf audioSpecificConfig() {
            int v = objectType << 11 | rateIndex << 7 | channels << 3;
            return Unpooled.buffer(2).writeShort(v);
        }

        /** Parses a 2-byte AudioSpecificConfig; empty if it is not one this reads. */
        public static Optional<Format> ofConfig(ByteBuf config) {
            if (config == null || config.readableBytes() < 2) {
                return Optional.empty();
            }
            int v = config.getUnsignedShort(config.readerIndex());
            int type = v >> 11;
            int rate = v >> 7 & 0xf;
            int channels = v >> 3 & 0xf;
            return type > 0 && rate < RATES.length && channels > 0 ? Optional.of(new Format(type, rate, channels))
                    : Optional.empty();
        }
    }

    /** One ADTS frame in a buffer: its format and where it lies (header included). */
    public record Frame(Format format, int offset, int length) {
    }

    private Adts() {
    }

    /**
     * The whole ADTS frames of {@code b} from its reader index, in order; stops at the first
     * bytes that are not one (a broken PES keeps what came before).
     */
    public static List<Frame> frames(ByteBuf b) {
        List<Frame> out = new ArrayList<>();
        int at = b.readerIndex();
        int end = b.writerIndex();
        while (end - at >= 7) {
            if (b.getUnsignedByte(at) != 0xff || (b.getUnsignedByte(at + 1) & 0xf6) != 0xf0) {
                break; // no syncword, or layer not 0
            }
            int profile = b.getUnsignedByte(at + 2) >> 6;
            int rate = b.getUnsignedByte(at + 2) >> 2 & 0xf;
            int channels = (b.getUnsignedByte(at + 2) & 1) << 2 | b.getUnsignedByte(at + 3) >> 6;
            int length = (b.getUnsignedByte(at + 3) & 0x3) << 11 | b.getUnsignedByte(at + 4) << 3
                    | b.getUnsignedByte(at + 5) >> 5;
            int header = (b.getUnsignedByte(at + 1) & 1) != 0 ? 7 : 9;
            if (rate >= RATES.length || channels == 0 || length <= header || length > end - at) {
                break;
            }
            out.add(new Frame(new Format(profile + 1, rate, channels), at, length));
            at += length;
        }
        return out;
    }
}
