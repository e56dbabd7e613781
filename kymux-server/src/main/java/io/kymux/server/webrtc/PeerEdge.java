package io.kymux.server.webrtc;

import io.kymux.server.Kymux;
import io.kymux.webrtc.Rtc;
import io.kymux.webrtc.RtcOutput;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What every peer's Netty edge does the same way: route datagrams and ticks into its
 * {@link Rtc}, keep the addresses it checked from, and send what the Rtc asks to. A viewer
 * or a publisher handles the rest of the outputs ({@link #handle}). On the UDP loop.
 */
abstract class PeerEdge implements WebRtcPeer {

    /** Addresses one peer may check from (host, reflexive, relay…). */
    static final int MAX_ADDRESSES = 8;

    protected final Kymux kymux;
    protected final Channel channel;
    protected final Rtc rtc;
    private final Set<InetSocketAddress> addresses = new LinkedHashSet<>();

    PeerEdge(Kymux kymux, Channel channel, Rtc rtc) {
        this.kymux = kymux;
        this.channel = channel;
        this.rtc = rtc;
    }

    @Override
    public Rtc rtc() {
        return rtc;
    }

    @Override
    public boolean adopt(InetSocketAddress from) {
        return addresses.contains(from) || (addresses.size() < MAX_ADDRESSES && addresses.add(from));
    }

    @Override
    public Set<InetSocketAddress> addresses() {
        return addresses;
    }

    @Override
    public void input(InetSocketAddress from, byte[] datagram) {
        rtc.handleInput(kymux.nowUs(), from, datagram);
        pump();
    }

    @Override
    public void tick(long nowUs) {
        if (nowUs >= rtc.nextTimeoutUs()) {
            rtc.handleTimeout(nowUs);
        }
        onTick(nowUs);
        pump();
    }

    /** More a peer does on each tick; nothing by default. */
    protected void onTick(long nowUs) {
    }

    @Override
    public void pump() {
        boolean wrote = false;
        for (RtcOutput o = rtc.poll(); o != null; o = rtc.poll()) {
            if (o instanceof RtcOutput.Transmit t) {
                channel.write(new DatagramPacket(Unpooled.wrappedBuffer(t.datagram()), t.to()));
                wrote = true;
            } else {
                handle(o);
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Every output but datagrams to send. */
    protected abstract void handle(RtcOutput o);

    @Override
    public void close(String reason) {
        rtc.close(reason);
        pump();
    }
}
