package io.kymux.server.input;

import io.kymux.core.feed.StreamRegistry;
import io.kymux.core.input.InputEvent;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes input events of a stream to every injector connected for it
 * ({@code /input/{stream}}, the TCP IPC port). Viewers' sessions publish; only sessions
 * authorised for control get here.
 */
public final class InputHub {

    private final Map<String, Set<InputSink>> sinks = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();

    public void connect(String stream, InputSink sink) {
        sinks.computeIfAbsent(StreamRegistry.normalize(stream), s -> ConcurrentHashMap.newKeySet()).add(sink);
    }

    public void disconnect(String stream, InputSink sink) {
        Set<InputSink> set = sinks.get(StreamRegistry.normalize(stream));
        if (set != null) {
            set.remove(sink);
        }
    }

    public void publish(String stream, InputEvent e) {
        published.incrementAndGet();
        Set<InputSink> set = sinks.get(StreamRegistry.normalize(stream));
        if (set == null) {
            return; // no injector: nothing to drive
        }
        for (InputSink s : set) {
            s.accept(e);
        }
    }

    public long published() {
        return published.get();
    }

    public int injectors(String stream) {
        Set<InputSink> set = sinks.get(StreamRegistry.normalize(stream));
        return set == null ? 0 : set.size();
    }
}
