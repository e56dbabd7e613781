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

    private record Entry(String url, AutoCloseable handle, State[] state) {
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
        if (!Kymux.validName(feedName)) {
            return "bad feed name '" + feedName + "': use 1-64 of A-Z a-z 0-9 . _ -";
        }
        if (url == null || !url.matches("(?i)(rtsp|rtsps|rtmp|http|https|srt|udp)://\\S+")) {
            return "field 'pull' must be a URL FFmpeg opens, e.g. rtsp://camera:554/stream";
        }
        if (pulls.containsKey(feedName)) {
            return "feed " + feedName + " is already pulled from " + pulls.get(feedName).url();
        }
        if (pulls.size() >= MAX) {
            return "too many pulls (limit " + MAX + ")";
        }
        Optional<Feed> feed = kymux.feeds().getOrCreate(feedName);
        if (feed.isEmpty()) {
            return "too many feeds (limit " + kymux.config().maxFeeds() + ")";
        }
        if (!kymux.claimProducer(feedName)) {
            return "feed " + feedName + " already has a producer";
        }
        State[] state = {State.STARTING};
        AutoCloseable handle = puller.pull(url, feed.get(), s -> state[0] = s);
        pulls.put(feedName, new Entry(url, handle, state));
        return null;
    }

    /** Stops a pull and frees its feed; false if the feed is not pulled. */
    public synchronized boolean remove(String feedName) {
        Entry e = pulls.remove(feedName);
        if (e == null) {
            return false;
        }
        try {
            e.handle().close();
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
    public synchronized Optional<Map.Entry<String, State>> of(String feedName) {
        Entry e = pulls.get(feedName);
        return e == null ? Optional.empty() : Optional.of(Map.entry(e.url(), e.state()[0]));
    }
}
