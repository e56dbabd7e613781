package io.kymux.core.feed;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Streams: named, ordered sets of feed names (vw semantics). Names are stored without a
 * leading slash, so "/stream/a" and "stream/a" are the same stream.
 */
public final class StreamRegistry {

    private final Map<String, List<String>> streams = new TreeMap<>();

    public static String normalize(String name) {
        String n = name;
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    public synchronized void put(String name, List<String> feeds) {
        streams.put(normalize(name), List.copyOf(feeds));
    }

    public synchronized Optional<List<String>> get(String name) {
        return Optional.ofNullable(streams.get(normalize(name)));
    }

    public synchronized boolean remove(String name) {
        return streams.remove(normalize(name)) != null;
    }

    public synchronized Map<String, List<String>> all() {
        return new TreeMap<>(streams);
    }
}
