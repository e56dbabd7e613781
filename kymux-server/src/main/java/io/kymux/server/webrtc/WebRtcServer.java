package io.kymux.server.webrtc;

import io.kymux.core.feed.Feed;
import io.kymux.core.session.Session;
import io.kymux.server.Kymux;
import io.kymux.webrtc.Rtc;
import io.kymux.webrtc.RtcIdentity;
import io.kymux.webrtc.sdp.SdpAnswer;
import io.kymux.webrtc.sdp.SdpOffer;
import io.kymux.webrtc.stun.StunMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All WebRTC viewers on one UDP port. A datagram goes to the peer its source address
 * belongs to; an unknown address's STUN check goes to the peer its ICE username names, and
 * the address is adopted once the peer has authenticated the check. Anything else is dropped and
 * counted, so garbage and forged checks touch no session. Peers are ticked every 100 ms.
 */
public final class WebRtcServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebRtcServer.class);
    public static final int MAX_PEERS = 1024;
    static final long TICK_MS = 100;

    private final Kymux kymux;
    private final java.util.function.Supplier<RtcIdentity> identity;
    private final Channel channel;
    private final SecureRandom random = new SecureRandom();
    /** Local ICE ufrag → peer; filled by the HTTP thread, read on the event loop. */
    private final Map<String, WebRtcPeer> byUfrag = new ConcurrentHashMap<>();
    private final Map<Long, WebRtcPeer> bySession = new ConcurrentHashMap<>();
    /** Source address → peer; event loop only. */
    private final Map<InetSocketAddress, WebRtcPeer> byAddress = new HashMap<>();
    private final AtomicLong unrouted = new AtomicLong();
    private final ScheduledFuture<?> ticker;

    /** What a WHEP POST gets back. */
    public record Answer(long sessionId, String sdp) {
    }

    public WebRtcServer(Kymux kymux, java.util.function.Supplier<RtcIdentity> identity, String bindHost, int port, EventLoopGroup group)
            throws InterruptedException {
        this.kymux = kymux;
        this.identity = identity;
        io.kymux.webrtc.srtp.SrtpSession.warmUp();
        this.channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1024 * 1024)
                .option(ChannelOption.SO_SNDBUF, 1024 * 1024)
                // past this, sessions keep their frames (and drop late ones) instead of Netty
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .handler(new Inbound())
                .bind(bindHost, port).sync().channel();
        this.ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        log.info("WebRTC (WHEP) on udp://{}:{}", bindHost, port());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Datagrams that belonged to no peer. */
    public long unrouted() {
        return unrouted.get();
    }

    /**
     * Answers a WHEP offer for {@code target}'s feeds with a new peer whose candidate is
     * {@code candidate}'s host and this server's port.
     *
     * @throws IllegalArgumentException the offer is malformed or asks for nothing kymux can send (the reason)
     * @throws IllegalStateException    the server has {@link #MAX_PEERS} peers already
     */
    public Answer open(String target, List<Feed> feeds, String offerSdp, java.net.InetAddress candidate) {
        for (Feed f : feeds) { // the packetizer is H.264's: another video codec would reach the browser as garbage
            f.track().filter(t -> t.kind() == io.kymux.core.media.MediaKind.VIDEO
                    && t.codec() != io.kymux.core.packet.CodecId.H264).ifPresent(t -> {
                        throw new IllegalArgumentException("feed " + f.name() + " is " + t.codecString()
                                + ": WebRTC here carries H.264 video only; /watch over WebCodecs or kymux client plays it");
                    });
        }
        Offered o = offered(offerSdp, candidate, false);
        long id = o.id();
        Rtc rtc = o.rtc();
        // renditions chosen by what the viewer's receiver reports say its path carries
        Session session = new Session(id, target, feeds, kymux.config().queueLimits(),
                () -> onLoop(id, WebRtcPeer::drain)).adaptWith(kymux.feeds()::renditionsOf)
                .estimateLinkWith(rtc::pathBitsPerSecond);
        SdpAnswer answer = o.answer();
        String ufrag = o.ufrag();
        WebRtcViewer viewer = new WebRtcViewer(kymux, this, channel, rtc, session);
        byUfrag.put(ufrag, viewer);
        bySession.put(id, viewer);
        kymux.register(session);
        log.info("WebRTC session {} for {}: answered offer, waiting for ICE and DTLS", id, target);
        return new Answer(id, answer.sdp());
    }

    /**
     * Answers a WHIP offer: a new publisher into {@code feed}, whose producer slot the caller
     * holds (the publisher frees it when it closes).
     *
     * @throws IllegalArgumentException the offer is malformed or sends nothing kymux can receive (the reason)
     * @throws IllegalStateException    the server has {@link #MAX_PEERS} peers already
     */
    public Answer publish(String feedName, Feed feed, String offerSdp, java.net.InetAddress candidate) {
        Offered o = offered(offerSdp, candidate, true);
        long id = o.id();
        SdpAnswer answer = o.answer();
        String ufrag = o.ufrag();
        int videoPt = answer.choices().stream().filter(c -> c.kind().equals("video")).mapToInt(SdpAnswer.Choice::payloadType)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("the offer sends no H.264 video"));
        int audioPt = answer.choices().stream().filter(c -> c.kind().equals("audio")).mapToInt(SdpAnswer.Choice::payloadType)
                .findFirst().orElse(-1);
        Rtc rtc = o.rtc();
        WebRtcPublisher p = new WebRtcPublisher(id, kymux, this, channel, rtc, feedName, feed, videoPt, audioPt,
                () -> onLoop(id, peer -> ((WebRtcPublisher) peer).requestKeyframe()));
        byUfrag.put(ufrag, p);
        bySession.put(id, p);
        log.info("WHIP publisher {} for feed {}: answered offer, waiting for ICE and DTLS", id, feedName);
        return new Answer(id, answer.sdp());
    }

    /** An answered offer: the peer's session id, ICE ufrag, answer and sans-I/O {@link Rtc}. */
    private record Offered(long id, String ufrag, SdpAnswer answer, Rtc rtc) {
    }

    /** Parses and answers an offer with fresh ICE credentials; {@code receive} for a publisher's. */
    private Offered offered(String offerSdp, java.net.InetAddress candidate, boolean receive) {
        if (bySession.size() >= MAX_PEERS) {
            throw new IllegalStateException("this server has " + MAX_PEERS + " WebRTC peers already");
        }
        SdpOffer offer = SdpOffer.parse(offerSdp);
        long id = kymux.nextSessionId();
        String ufrag = token(6);
        String pwd = token(24);
        RtcIdentity id0 = identity.get(); // the certificate current now; a later rotation does not touch this peer
        SdpAnswer answer = new SdpAnswer(offer, ufrag, pwd, id0.fingerprint(),
                new InetSocketAddress(candidate, port()), id, random::nextLong, receive);
        // the DTLS thread wakes the peer when it has datagrams or the keys
        Rtc rtc = new Rtc(offer, answer, ufrag, pwd, id0, kymux.nowUs(), () -> onLoop(id, WebRtcPeer::pump));
        return new Offered(id, ufrag, answer, rtc);
    }

    private void onLoop(long id, java.util.function.Consumer<WebRtcPeer> action) {
        channel.eventLoop().execute(() -> {
            WebRtcPeer v = bySession.get(id);
            if (v != null) {
                action.accept(v);
            }
        });
    }

    public boolean close(long sessionId) {
        WebRtcPeer v = bySession.get(sessionId);
        if (v == null) {
            return false;
        }
        channel.eventLoop().execute(() -> v.close("viewer left (WHEP DELETE)"));
        return true;
    }

    public boolean has(long sessionId) {
        return bySession.containsKey(sessionId);
    }

    /** The peer is gone: no routes lead to it any more. */
    void forget(WebRtcPeer v) {
        bySession.remove(v.id());
        byUfrag.values().remove(v);
        v.addresses().forEach(byAddress::remove);
    }

    private void tick() {
        long now = kymux.nowUs();
        for (WebRtcPeer v : List.copyOf(bySession.values())) {
            v.tick(now);
        }
    }

    private String token(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Override
    public void close() {
        ticker.cancel(false);
        channel.eventLoop().submit(() -> List.copyOf(bySession.values()).forEach(v -> v.close("server closing")))
                .awaitUninterruptibly(2000);
        channel.close().syncUninterruptibly();
    }

    /** Routes datagrams to peers. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            InetSocketAddress from = p.sender();
            byte[] bytes = ByteBufUtil.getBytes(p.content());
            WebRtcPeer v = byAddress.get(from);
            if (v != null) {
                v.input(from, bytes);
                return;
            }
            v = bytes.length > 0 && (bytes[0] & 0xff) <= 3 ? byUsername(bytes) : null;
            if (v == null) {
                unrouted.incrementAndGet();
                return;
            }
            v.input(from, bytes); // the peer answers (or refuses) the check itself
            if (v.rtc().authenticated(from) && v.adopt(from)) {
                byAddress.put(from, v); // only addresses that proved they know the password
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                List.copyOf(bySession.values()).forEach(WebRtcPeer::drain);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("WebRTC socket: {}", cause.toString()); // e.g. ICMP unreachable for a gone peer
        }
    }

    /** The peer a STUN check's USERNAME ({@code ours:theirs}) names, or null. */
    private WebRtcPeer byUsername(byte[] stun) {
        try {
            StunMessage m = StunMessage.parse(ByteBuffer.wrap(stun));
            String user = m.attribute(StunMessage.USERNAME).map(a -> new String(a.value(), StandardCharsets.UTF_8))
                    .orElse("");
            int colon = user.indexOf(':');
            return colon > 0 ? byUfrag.get(user.substring(0, colon)) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
