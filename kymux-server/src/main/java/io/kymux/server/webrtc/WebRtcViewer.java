package io.kymux.server.webrtc;

import io.kymux.core.media.Frame;
import io.kymux.core.session.QueueItem;
import io.kymux.core.session.Session;
import io.kymux.server.Kymux;
import io.kymux.webrtc.Rtc;
import io.kymux.webrtc.RtcOutput;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty edge of one WebRTC viewer: drives its sans-I/O {@link Rtc} with datagrams and
 * ticks, and feeds it from an ordinary {@link Session} — started only once ICE and DTLS
 * are done, so the first thing sent is the cached config and GOP and the first frame
 * decodes at once. Everything runs on the UDP channel's event loop.
 */
final class WebRtcViewer extends PeerEdge {

    private static final Logger log = LoggerFactory.getLogger(WebRtcViewer.class);
    private final WebRtcServer server;
    private final Session session;
    private int videoTrack = -1;
    private int audioTrack = -1;
    private boolean started;
    private boolean closed;
    private final long createdUs;

    WebRtcViewer(Kymux kymux, WebRtcServer server, Channel channel, Rtc rtc, Session session) {
        super(kymux, channel, rtc);
        this.server = server;
        this.session = session;
        this.createdUs = kymux.nowUs();
    }

    Session session() {
        return session;
    }

    @Override
    public long id() {
        return session.id();
    }

    /** Woken by the session: moves queued frames into the peer while the socket takes them. */
    @Override
    public void drain() {
        if (!started || closed) {
            return;
        }
        long now = kymux.nowUs();
        while (channel.isWritable()) {
            QueueItem item = session.poll(now);
            if (item == null) {
                break;
            }
            if (item instanceof QueueItem.Media m) {
                try {
                    write(m);
                } finally {
                    m.frame().release();
                }
            } // track descriptions and mutes: the SDP fixed the tracks; nothing to tell the peer
        }
        pump();
    }

    private void write(QueueItem.Media m) {
        Frame f = m.frame();
        if (m.video()) {
            videoTrack = videoTrack < 0 ? m.track() : videoTrack;
            if (m.track() != videoTrack) {
                return; // one video track per peer: the stream's first
            }
            if (f.config()) {
                rtc.writeVideoConfig(f.payload());
            } else if (rtc.writeVideo(f.payload(), f.ptsUs(), f.key()) > 0) {
                kymux.metrics().frameOut(f.size());
            }
        } else {
            audioTrack = audioTrack < 0 ? m.track() : audioTrack;
            if (m.track() == audioTrack && !f.config() && rtc.writeAudio(f.payload(), f.ptsUs()) > 0) {
                kymux.metrics().frameOut(f.size());
            }
        }
    }

    /** Session start, keyframe requests, the end. */
    @Override
    protected void handle(RtcOutput o) {
        if (o instanceof RtcOutput.Connected) {
            started = true;
            log.info("WebRTC session {} connected after {} ms", session.id(), (kymux.nowUs() - createdUs) / 1000);
            session.start(kymux.nowUs()); // config and the cached GOP first
        } else if (o instanceof RtcOutput.KeyframeRequest) {
            session.requestKeyframe(Math.max(videoTrack, 0), kymux.nowUs());
        } else if (o instanceof RtcOutput.Closed c) {
            closed(c.reason());
        }
    }

    private void closed(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        session.close();
        kymux.unregister(session);
        server.forget(this);
        log.info("WebRTC session {} closed ({}): {}, {}", session.id(), reason, rtc.stats(), session.stats());
    }
}
