package io.kymux.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FeedStats;
import io.kymux.core.io.Json;
import io.kymux.core.media.MediaKind;
import io.kymux.core.session.Session;
import io.kymux.server.Kymux;
import io.kymux.server.ViewerReports;

/** JSON bodies of the read-only API ({@code /api/feeds}, {@code /api/sessions}). */
final class ApiJson {

    private ApiJson() {
    }

    static byte[] feeds(Kymux k) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Feed f : k.feeds().all()) {
            ObjectNode n = arr.addObject();
            FeedStats s = f.stats();
            n.put("name", f.name());
            n.put("live", f.live());
            f.track().ifPresent(t -> {
                n.put("kind", t.kind() == MediaKind.VIDEO ? "video" : "audio");
                n.put("codec", t.codecString());
                if (t.kind() == MediaKind.VIDEO) {
                    n.put("width", t.width());
                    n.put("height", t.height());
                }
            });
            n.put("fps", Math.round(s.fps() * 10) / 10.0);
            n.put("bitrate", Math.round(s.bitrateBps()));
            n.put("renditionSet", io.kymux.core.feed.Rendition.setOf(f.name())); // the feed a viewer opens
            n.put("declaredBitrate", f.declaredBitsPerSecond());
            n.put("requestedBitrate", f.requestedBitsPerSecond()); // a rate-following viewer's link, -1: none
            n.put("framesIn", s.framesIn());
            n.put("bytesIn", s.bytesIn());
            n.put("lastPtsUs", s.lastPtsUs());
            n.put("ingestDelayMs", s.ingestDelayUs() / 1000.0);
            n.put("viewers", s.viewers());
            n.put("gopFrames", s.gopFrames());
            n.put("gopBytes", s.gopBytes());
            k.pulls().of(f.name()).ifPresent(p -> {
                ObjectNode pull = n.putObject("pull");
                pull.put("url", p.url());
                pull.put("state", p.state().phase());
                pull.put("connections", p.state().connections());
                pull.put("lastError", p.state().lastError());
            });
        }
        ArrayNode ts = Json.MAPPER.createArrayNode();
        for (io.kymux.core.ts.TsFeed f : k.tsFeeds().all()) {
            io.kymux.core.ts.TsFeed.Stats st = f.stats();
            ObjectNode n = ts.addObject();
            n.put("name", f.name());
            n.put("live", st.live());
            n.put("bytesIn", st.bytesIn());
            n.put("bitrate", Math.round(st.bitrateBps()));
            n.put("viewers", st.viewers());
            n.put("videoCodec", st.videoCodec());
        }
        ObjectNode streams = Json.MAPPER.createObjectNode();
        k.streams().all().forEach((name, feeds) -> feeds.forEach(streams.putArray(name)::add));
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("feeds", arr);
        o.set("tsFeeds", ts);
        o.set("streams", streams);
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] server(Kymux k) {
        Kymux.ServerInfo i = k.info();
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode http = o.putObject("http").put("port", i.httpPort()).put("tls", i.https() != null);
        if (i.https() != null) {
            io.kymux.server.tls.ServerCertificate c = i.https().current();
            // what `kymux capture --to wss://… --fingerprint` pins, and what Chromium's
            // --ignore-certificate-errors-spki-list takes for a self-signed certificate
            http.put("fingerprint", c.fingerprint()).put("spkiSha256", c.spkiSha256())
                    .put("certificateNotAfter", String.valueOf(c.notAfter()));
        }
        if (!i.quicOff()) {
            ObjectNode q = o.putObject("quic");
            q.put("port", i.quicPort());
            q.put("alpn", io.kymux.core.quic.ControlMessage.ALPN);
            q.put("fingerprint", i.fingerprint());
            q.put("certificateNotAfter", String.valueOf(i.certificateNotAfter()));
            q.put("congestion", k.config().quic().congestion());
            // what a page passes to WebTransport's serverCertificateHashes (current first)
            ArrayNode hashes = q.putArray("certificateHashes");
            java.time.Instant now = java.time.Instant.EPOCH.plus(k.nowUs(), java.time.temporal.ChronoUnit.MICROS);
            i.certificates().hashes(now).forEach(h -> hashes.add(io.kymux.server.tls.CertificateRotation.hex(h)));
        }
        if (k.webrtc() != null) {
            o.putObject("webrtc").put("port", k.webrtc().port()).put("whep", "/whep/{stream}");
        }
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] sessions(Kymux k) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Session s : k.sessions()) {
            Session.SessionStats st = s.stats();
            ObjectNode n = arr.addObject();
            n.put("id", st.id());
            n.put("target", st.target());
            n.put("delivered", st.delivered());
            n.put("dropped", st.drops().total());
            n.put("queuedFrames", st.queuedFrames());
            n.put("queuedBytes", st.queuedBytes());
            n.put("acking", st.acking());
            n.put("inFlightFrames", st.inFlightFrames());
            n.put("inFlightBytes", st.inFlightBytes());
            n.put("linkBytesPerSecond", st.linkBytesPerSecond());
            n.put("minRttUs", st.minRttUs());
            n.put("linkEstimateBitsPerSecond", st.linkEstimateBitsPerSecond());
            if (!st.renditions().isEmpty()) {
                ArrayNode rs = n.putArray("renditions");
                for (Session.RenditionState r : st.renditions()) {
                    ObjectNode rn = rs.addObject();
                    rn.put("track", r.track());
                    rn.put("feed", r.feed());
                    rn.put("switchingTo", r.switchingTo());
                    rn.put("switches", r.switches());
                    rn.put("pinned", r.pinned());
                }
            }
            ViewerReports.Viewer v = k.viewerReports().get(st.id());
            if (v != null) {
                ViewerReports.Snapshot r = v.snapshot();
                ObjectNode vn = n.putObject("viewer");
                vn.put("latencySamples", r.samples());
                vn.put("latencyP50Ms", r.latencyP50Ms());
                vn.put("latencyP95Ms", r.latencyP95Ms());
                vn.put("latencyP99Ms", r.latencyP99Ms());
                vn.put("videoFramesDecoded", r.videoFramesDecoded());
                vn.put("audioFramesDecoded", r.audioFramesDecoded());
                vn.put("droppedFrames", r.droppedFrames());
                vn.put("fps", r.fps());
            }
        }
        return arr.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
