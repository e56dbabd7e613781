package io.kymux.server.destination;

import io.kymux.core.loop.Backoff;
import io.kymux.core.feed.Feed;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.core.ts.TsFeed;
import io.kymux.server.Kymux;
import io.kymux.server.StreamFollower;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One destination rule at work: it follows its stream (a re-post mutes or adds feeds) and
 * keeps one {@link PacketLink} per packet-stream feed plus one {@link TsLink} for the
 * MPEG-TS feeds. Links connect only once their feed has something to send, so a name
 * that turns out to be a TS feed costs no connection on the packet side and vice versa.
 *
 * <p>URLs: {@code {feed}} in the destination is replaced by the feed's name for a packet
 * link, so one rule pushes a two-track stream to {@code ws://relay/ingest/{feed}}, and by
 * the stream's name for the TS link; without it the URL is used as given (crossbar:
 * {@code wss://relay/in/video0}).
 */
final class Destination implements StreamFollower {

    private final Kymux kymux;
    private final EventLoop loop;
    private final Backoff backoff;
    private volatile DestinationRule rule;
    private final String target;
    private final Map<String, PacketLink> packetLinks = new LinkedHashMap<>();
    private final TsLink tsLink;
    private boolean closed;

    Destination(Kymux kymux, EventLoop loop, Backoff backoff, DestinationRule rule) {
        this.kymux = kymux;
        this.loop = loop;
        this.backoff = backoff;
        this.rule = rule;
        this.target = StreamRegistry.normalize(rule.stream());
        this.tsLink = new TsLink(loop, label("ts"), rule.uri(target), backoff);
    }

    void start() {
        kymux.follow(this);
        streamChanged(kymux.feedNames(target));
    }

    DestinationRule rule() {
        return rule;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public synchronized void streamChanged(List<String> feeds) {
        if (closed) {
            return;
        }
        List<String> gone = new ArrayList<>(packetLinks.keySet());
        gone.removeAll(feeds);
        for (String name : gone) {
            packetLinks.remove(name).close();
        }
        List<TsFeed> ts = new ArrayList<>();
        for (String name : feeds) {
            kymux.tsFeeds().getOrCreate(name).ifPresent(ts::add);
            if (!packetLinks.containsKey(name)) {
                kymux.feeds().getOrCreate(name).ifPresent(this::addPacketLink);
            }
        }
        tsLink.follow(ts);
    }

    private void addPacketLink(Feed feed) {
        PacketLink link = new PacketLink(loop, label(feed.name()), rule.uri(feed.name()), backoff,
                kymux.nextSessionId(), feed, kymux.config().destinationLimits(), kymux.clock());
        packetLinks.put(feed.name(), link);
        link.start();
    }

    /** Same stream, new URL: every link swaps without a gap. */
    synchronized void retarget(DestinationRule next) {
        rule = next;
        tsLink.retarget(next.uri(target));
        packetLinks.forEach((name, link) -> link.retarget(next.uri(name)));
    }

    synchronized void close() {
        closed = true;
        kymux.unfollow(this);
        packetLinks.values().forEach(PacketLink::close);
        packetLinks.clear();
        tsLink.close();
    }

    private String label(String part) {
        return "destination " + rule.id() + " (" + part + ")";
    }

    /** Live state for {@code GET /api/destinations/{id}}: per link, by feed name, and "ts" for the TS link. */
    synchronized Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        packetLinks.forEach((name, link) -> {
            var st = link.session().stats();
            Map<String, Object> m = linkStatus(link.status());
            m.put("framesSent", link.framesSent());
            m.put("framesDropped", st.drops().total());
            m.put("drops", st.drops());
            m.put("queuedFrames", st.queuedFrames());
            out.put(name, m);
        });
        Map<String, Object> m = linkStatus(tsLink.status());
        m.put("runsSent", tsLink.runsSent());
        m.put("runsDropped", tsLink.runsDropped());
        out.put("ts", m);
        return out;
    }

    /**
     * The destination as a whole for {@code GET /api/destinations/{id}/status}: the worst state
     * of its links that have something to send (retrying, then connecting, then connected;
     * idle when none has), the last error of a link that is not connected, and bytes sent.
     */
    synchronized Map<String, Object> summary() {
        List<OutgoingLink.Status> links = new ArrayList<>();
        packetLinks.values().forEach(l -> links.add(l.status()));
        links.add(tsLink.status());
        OutgoingLink.State worst = OutgoingLink.State.IDLE;
        String lastError = null;
        long bytes = 0;
        for (OutgoingLink.Status s : links) {
            bytes += s.bytesSent();
            if (rank(s.state()) > rank(worst)) {
                worst = s.state();
            }
            if (s.state() != OutgoingLink.State.CONNECTED && s.lastError() != null) {
                lastError = s.lastError();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", worst);
        if (lastError != null) {
            out.put("lastError", lastError);
        }
        out.put("bytesSent", bytes);
        return out;
    }

    private static int rank(OutgoingLink.State s) {
        return switch (s) {
            case IDLE, CLOSED -> 0;
            case CONNECTED -> 1;
            case CONNECTING -> 2;
            case RETRYING -> 3;
        };
    }

    private static Map<String, Object> linkStatus(OutgoingLink.Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.state());
        m.put("connected", s.connected());
        m.put("connects", s.connects());
        m.put("bytesSent", s.bytesSent());
        if (s.lastError() != null) {
            m.put("lastError", s.lastError());
        }
        return m;
    }
}
