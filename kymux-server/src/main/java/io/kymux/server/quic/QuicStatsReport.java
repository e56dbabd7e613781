package io.kymux.server.quic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kymux.core.io.Json;
import io.kymux.core.quic.ControlMessage;

/** A kymux/1 STATS message in the shape viewer reports take (the web player's), plus the QUIC figures. */
final class QuicStatsReport {

    private QuicStatsReport() {
    }

    static ObjectNode toJson(ControlMessage.Stats s) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "stats");
        if (s.latencyUs() > 0) {
            n.putArray("latencyMs").add(s.latencyUs() / 1000.0);
        }
        n.put("videoFramesDecoded", s.framesDelivered());
        n.put("droppedFrames", s.framesLost() + s.framesSkipped());
        n.put("framesLost", s.framesLost());
        n.put("framesSkipped", s.framesSkipped());
        n.put("framesRecovered", s.framesRecovered());
        n.put("rttMs", s.rttUs() / 1000.0);
        n.put("jitterMs", s.jitterUs() / 1000.0);
        n.put("keyframeRequests", s.keyframeRequests());
        return n;
    }
}
