package io.kymux.core.feed;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/** Named things created on first use, bounded in number so hostile clients cannot create them without end. */
public class BoundedRegistry<T> {

    private final ConcurrentMap<String, T> items = new ConcurrentHashMap<>();
    private final Function<String, T> factory;
    private final int max;

    public BoundedRegistry(int max, Function<String, T> factory) {
        this.max = max;
        this.factory = factory;
    }

    /** The item of that name, created if absent; empty when the registry is full. */
    public Optional<T> getOrCreate(String name) {
        T existing = items.get(name);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (items.size() >= max) {
            return Optional.empty();
        }
        return Optional.of(items.computeIfAbsent(name, factory));
    }

    public Optional<T> get(String name) {
        return Optional.ofNullable(items.get(name));
    }

    public Collection<T> all() {
        return List.copyOf(items.values());
    }

    /** Each item, without copying the registry (weakly consistent: for lookups run often). */
    public void forEach(java.util.function.Consumer<T> action) {
        items.values().forEach(action);
    }

    public int max() {
        return max;
    }

    /** Empties the registry, handing each item to {@code dispose}. */
    protected void clear(java.util.function.Consumer<T> dispose) {
        items.values().forEach(dispose);
        items.clear();
    }
}
