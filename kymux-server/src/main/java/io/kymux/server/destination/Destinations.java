package io.kymux.server.destination;

import io.kymux.core.loop.Backoff;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.server.Kymux;
import io.netty.channel.EventLoopGroup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The destination rules by id (vw's {@code /api/destinations}). Re-posting an id with the
 * same stream and a new URL swaps the target without a gap; with another stream it
 * replaces the rule. Bounded in number.
 */
public final class Destinations {

    public static final int MAX = 1024;

    private final Kymux kymux;
    private final EventLoopGroup loops;
    private final Backoff backoff;
    private final Map<String, Destination> byId = new TreeMap<>();

    public Destinations(Kymux kymux, EventLoopGroup loops, Backoff backoff) {
        this.kymux = kymux;
        this.loops = loops;
        this.backoff = backoff;
    }

    /**
     * Creates or updates a rule; the stored rule has the stream name normalised (no
     * leading '/'). Empty if the limit is reached.
     */
    public synchronized Optional<DestinationRule> put(DestinationRule rule) {
        DestinationRule r = new DestinationRule(rule.id(), StreamRegistry.normalize(rule.stream()), rule.destination(),
                rule.fingerprint());
        Destination existing = byId.get(r.id());
        if (existing != null && existing.rule().stream().equals(r.stream())) {
            existing.retarget(r);
            return Optional.of(r);
        }
        if (existing == null && byId.size() >= MAX) {
            return Optional.empty();
        }
        if (existing != null) {
            existing.close();
        }
        Destination d = new Destination(kymux, loops.next(), backoff, r);
        byId.put(r.id(), d);
        d.start();
        return Optional.of(r);
    }

    public synchronized boolean remove(String id) {
        Destination d = byId.remove(id);
        if (d != null) {
            d.close();
        }
        return d != null;
    }

    public synchronized void removeAll() {
        byId.values().forEach(Destination::close);
        byId.clear();
    }

    /** vw's shape: id → rule. */
    public synchronized Map<String, DestinationRule> all() {
        Map<String, DestinationRule> out = new LinkedHashMap<>();
        byId.forEach((id, d) -> out.put(id, d.rule()));
        return out;
    }

    public synchronized Optional<DestinationRule> get(String id) {
        return Optional.ofNullable(byId.get(id)).map(Destination::rule);
    }

    /** The destination's state as a whole: state, last error, bytes sent (see {@link Destination#summary()}). */
    public synchronized Optional<Map<String, Object>> summary(String id) {
        return Optional.ofNullable(byId.get(id)).map(Destination::summary);
    }

    /** Per link: connected, connects, frames or TS runs sent and dropped, last error. */
    public synchronized Optional<Map<String, Object>> status(String id) {
        return Optional.ofNullable(byId.get(id)).map(Destination::status);
    }
}
