package io.kymux.app;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A {@code WxH} video size option, e.g. {@code 1280x720}. */
record VideoSize(int width, int height) {

    /** picocli converter: a clear message instead of a NumberFormatException. */
    static final class Converter implements ITypeConverter<VideoSize> {
        @Override
        public VideoSize convert(String value) {
            String[] wh = value.toLowerCase().split("x");
            try {
                if (wh.length == 2) {
                    int w = Integer.parseInt(wh[0].trim());
                    int h = Integer.parseInt(wh[1].trim());
                    if (w >= 16 && h >= 16 && w <= 16384 && h <= 16384 && w % 2 == 0 && h % 2 == 0) {
                        return new VideoSize(w, h);
                    }
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a size like 1280x720 (even, 16..16384)");
        }
    }
}
