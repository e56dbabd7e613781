package io.kymux.server.webrtc;

import io.kymux.webrtc.Rtc;
import java.net.InetSocketAddress;
import java.util.Set;

/** One peer on the WebRTC port, a viewer (WHEP) or a publisher (WHIP); on the UDP channel's loop. */
interface WebRtcPeer {

    long id();

    Rtc rtc();

    /** Whether datagrams from {@code from} may be routed here (bounded per peer). */
    boolean adopt(InetSocketAddress from);

    Set<InetSocketAddress> addresses();

    void input(InetSocketAddress from, byte[] datagram);

    void tick(long nowUs);

    /** The socket takes more: a viewer moves queued frames on. */
    void drain();

    /** Carries out what the peer's {@link Rtc} asks. */
    void pump();

    void close(String reason);
}
