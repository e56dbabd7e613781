package io.kymux.core.feed;

/**
 * One encoding of a rendition set's source: its feed and the bitrate a viewer's link must
 * carry for it (the producer's declared maximum, else what the feed measured).
 */
public record Rendition(Feed feed, long bitsPerSecond) {

    /** The separator of a rendition's feed name from its set's: {@code video0~360p} is of {@code video0}. */
    public static final char SEPARATOR = '~';

    /** The set a feed name belongs to: the part before {@link #SEPARATOR}, or the name itself. */
    public static String setOf(String feedName) {
        int i = feedName.indexOf(SEPARATOR);
        return i < 0 ? feedName : feedName.substring(0, i);
    }
}
