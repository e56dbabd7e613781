package io.kymux.server.ws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kymux.core.io.Json;
import io.kymux.core.media.MediaKind;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.session.Session;
import io.kymux.core.session.SessionEvent;

/** The JSON control messages of docs/protocol/browser-messages.md. */
public final class ControlMessages {

    private ControlMessages() {
    }

    public static String hello(Session s, long latencyBudgetUs) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", "hello");
        o.put("session", s.id());
        o.put("name", s.target());
        o.put("latencyBudgetMs", latencyBudgetUs / 1000.0);
        ArrayNode tracks = o.putArray("tracks");
        for (Session.TrackSlot t : s.tracks()) {
            ObjectNode n = tracks.addObject();
            n.put("track", t.track());
            n.put("feed", t.feed());
            t.info().ifPresent(i -> describe(n, i));
        }
        return o.toString();
    }

    public static String event(SessionEvent e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (e instanceof SessionEvent.TrackChanged t) {
            o.put("type", "track");
            o.put("track", t.track());
            o.put("feed", t.feed());
            describe(o, t.info());
            if (t.linkBitsPerSecond() >= 0) {
                o.put("linkBitsPerSecond", t.linkBitsPerSecond()); // a rendition switch, and why
            }
        } else if (e instanceof SessionEvent.SourceEnded t) {
            o.put("type", "ended");
            o.put("track", t.track());
            o.put("feed", t.feed());
        } else if (e instanceof SessionEvent.Muted t) {
            o.put("type", "mute");
            o.put("track", t.track());
            o.put("feed", t.feed());
        }
        return o.toString();
    }

    private static void describe(ObjectNode n, TrackInfo i) {
        n.put("kind", i.kind() == MediaKind.VIDEO ? "video" : "audio");
        n.put("codec", i.codecString());
        if (i.kind() == MediaKind.VIDEO) {
            n.put("width", i.width());
            n.put("height", i.height());
        } else {
            n.put("sampleRate", i.sampleRate());
            n.put("channels", i.channels());
        }
    }
}
