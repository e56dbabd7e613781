package io.kymux.server.pull;

import io.kymux.core.feed.Feed;
import io.kymux.server.Kymux;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Feeds the server pulls from a network source (an IP camera's RTSP): {@code POST /api/feeds
 * {"feed","pull"}} or {@code --pull feed=url}. Each holds its feed's producer slot while it
 * runs and reconnects by itself; its state is in {@code /api/feeds}. The pulling itself
 * (libavformat) is the application's, given with {@link #use}: the server has no FFmpeg.
 */
public final class Pulls {

    /** Pulls at most. */
    public static final int MAX = 64;

    /** What a pull is doing: its phase (connecting, playing, retrying, stopped), connections made, last error. */
    public record State(String phase, int connections, String lastError) {
        static final State STARTING = new State("connecting", 0, null);
    }

    /** Starts pulling {@code url} into {@code feed}, reporting each change of state; closing stops it. */
    public interface Puller {
        AutoCloseable pull(String url, Feed feed, java.util.function.Consumer<State> states);
    }

    /** A pulled feed's source and what its pull last reported. */
    public record Pull(String url, State state) {
    }

    /** A running pull; its state is set by the pull's own thread. */
    private static final class Entry {
        final String url;
        AutoCloseable handle;
        volatile State state = State.STARTING;

        Entry(String url) {
            this.url = url;
        }
    }

    private final Kymux kymux;
    private final Map<String, Entry> pulls = new LinkedHashMap<>();
    private volatile Puller puller;

    public Pulls(Kymux kymux) {
        this.kymux = kymux;
    }

    public void use(Puller p) {
        puller = p;
    }

    /** Starts a pull; returns why it cannot, or null. */
    public synchronized String add(String feedName, String url) {
        if (puller == null) {
            return "this server cannot pull (it runs without FFmpeg)";
        }
        if (url == null || !url.matches("(?i)(rtsp|rtsps|rtmp|http|https|srt|udp)://\\S+")) {
            return "field 'pull' must be a URL FFmpeg opens, e.g. rtsp://camera:554/stream";
        }
        if (pulls.containsKey(feedName)) {
            return "feed " + feedName + " is already pulled from " + pulls.get(feedName).url;
        }
        if (pulls.size() >= MAX) {
            return "too many pulls (limit " + MAX + ")";
        }
        Kymux.FeedClaim claim = kymux.claimFeed(feedName);
        if (!claim.granted()) {
            return claim.refusal();
        }
        Entry e = new Entry(url);
        e.handle = puller.pull(url, claim.feed(), s -> e.state = s);
        pulls.put(feedName, e);
        return null;
    }

    /** Stops a pull and frees its feed; false if the feed is not pulled. */
    public synchronized boolean remove(String feedName) {
        Entry e = pulls.remove(feedName);
        if (e == null) {
            return false;
        }
        try {
            e.handle.close();
        } catch (Exception ignored) {
            // a pull that fails to stop has stopped
        }
        kymux.releaseProducer(feedName);
        return true;
    }

    public synchronized void removeAll() {
        for (String f : pulls.keySet().toArray(String[]::new)) {
            remove(f);
        }
    }

    /** A pulled feed's URL and state, for the API. */
    public synchronized Optional<Pull> of(String feedName) {
        Entry e = pulls.get(feedName);
        return e == null ? Optional.empty() : Optional.of(new Pull(e.url, e.state));
    }
}
