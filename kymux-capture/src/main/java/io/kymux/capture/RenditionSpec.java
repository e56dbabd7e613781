package io.kymux.capture;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One rendition of a capture: {@code 640x360@1M} is 640×360 at 1 Mbit/s. The first of a
 * list is the set's top, published as the feed itself; the others as {@code feed~360p}
 * (their height), see docs/protocol/packet-stream.md.
 */
public record RenditionSpec(int width, int height, long bitsPerSecond) {

    public RenditionSpec {
        if (width < 16 || height < 16 || width > 16384 || height > 16384 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("rendition size " + width + "x" + height
                    + ": width and height must be even, 16 to 16384");
        }
        if (bitsPerSecond < 10_000) {
            throw new IllegalArgumentException("rendition bitrate " + bitsPerSecond + ": at least 10k");
        }
    }

    /** The suffix of this rendition's feed name after {@code ~}: its height, {@code 360p}. */
    public String label() {
        return height + "p";
    }

    /** {@code 1280x720@4M,640x360@1M,320x180@300k}: highest first, labels distinct. */
    public static List<RenditionSpec> parseList(String spec) {
        List<RenditionSpec> out = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (String part : spec.split(",")) {
            RenditionSpec r = parse(part.trim());
            if (!out.isEmpty() && r.bitsPerSecond() >= out.get(out.size() - 1).bitsPerSecond()) {
                throw new IllegalArgumentException("renditions go from the highest bitrate down: " + part.trim()
                        + " is not below the one before it");
            }
            if (!labels.add(r.label())) {
                throw new IllegalArgumentException("two renditions " + r.label() + " high: their feed names would clash");
            }
            out.add(r);
        }
        return out;
    }

    /** {@code 640x360@1M}; the rate takes k or M. */
    public static RenditionSpec parse(String s) {
        String[] at = s.split("@");
        String[] wh = at[0].toLowerCase(Locale.ROOT).split("x");
        if (at.length != 2 || wh.length != 2) {
            throw new IllegalArgumentException("rendition '" + s + "': expected WIDTHxHEIGHT@BITRATE, e.g. 640x360@1M");
        }
        try {
            return new RenditionSpec(Integer.parseInt(wh[0].trim()), Integer.parseInt(wh[1].trim()), parseBitrate(at[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rendition '" + s + "': expected WIDTHxHEIGHT@BITRATE, e.g. 640x360@1M");
        }
    }

    /** {@code 300k}, {@code 1.5M}, {@code 2000000}: bits per second. */
    public static long parseBitrate(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        long unit = lower.endsWith("k") ? 1_000 : lower.endsWith("m") ? 1_000_000 : 1;
        String digits = unit == 1 ? lower : lower.substring(0, lower.length() - 1);
        return Math.round(Double.parseDouble(digits) * unit);
    }
}
