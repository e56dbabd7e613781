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

    /** Live state for {@code GET /api/destinations/{id}}. */
    synchronized Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        packetLinks.forEach((name, link) -> {
            OutgoingLink.Status s = link.status();
            var st = link.session().stats();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connected", s.connected());
            m.put("connects", s.connects());
            m.put("framesSent", link.framesSent());
            m.put("framesDropped", st.drops().total());
            m.put("drops", st.drops());
            m.put("queuedFrames", st.queuedFrames());
            if (s.lastError() != null) {
                m.put("lastError", s.lastError());
            }
            out.put(name, m);
        });
        OutgoingLink.Status s = tsLink.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connected", s.connected());
        m.put("connects", s.connects());
        m.put("runsSent", tsLink.runsSent());
        m.put("runsDropped", tsLink.runsDropped());
        if (s.lastError() != null) {
            m.put("lastError", s.lastError());
        }
        out.put("ts", m);
        return out;
    }
}
