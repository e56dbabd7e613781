package io.kymux.server.webtransport;

import io.kymux.server.Kymux;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Map;

/**
 * An HTTP/3 connection (ALPN h3) that serves WebTransport: the SETTINGS browsers look for,
 * the extended CONNECT of each session ({@link ConnectHandler}) and the sessions' streams.
 * The page's bidirectional streams start with 0x41, which Netty's HTTP/3 codec would take
 * for a frame, so {@link PageStreamSniffer} sits ahead of it and takes them over.
 */
public final class WebTransportConnection {

    public static final String ALPN = "h3";
    /** SETTINGS_ENABLE_WEBTRANSPORT (draft-02), _WEBTRANSPORT_MAX_SESSIONS (draft-07+), _WT_ENABLED (later drafts). */
    static final long WT_DRAFT02 = 0x2b603742L;
    static final long WT_MAX_SESSIONS = 0xc671706aL;
    static final long WT_ENABLED = 0x14e9cd29L;
    static final int MAX_SESSIONS = 4;

    private static final AttributeKey<WebTransportConnection> KEY = AttributeKey.valueOf("kymux.wt");

    private final Kymux kymux;
    private final QuicChannel quic;
    /** CONNECT stream id → session; event loop only. */
    private final Map<Long, WebTransportViewer> sessions = new HashMap<>();

    private WebTransportConnection(Kymux kymux, QuicChannel quic) {
        this.kymux = kymux;
        this.quic = quic;
        quic.attr(KEY).set(this);
    }

    /** The handlers of an h3 connection's pipeline. */
    public static ChannelHandler[] handlers(Kymux kymux, QuicChannel quic) {
        WebTransportConnection c = new WebTransportConnection(kymux, quic);
        Http3Settings settings = new Http3Settings((key, value) -> true);
        settings.enableConnectProtocol(true);
        settings.enableH3Datagram(true);
        settings.qpackMaxTableCapacity(0);
        settings.put(WT_DRAFT02, 1L);
        settings.put(WT_MAX_SESSIONS, (long) MAX_SESSIONS);
        settings.put(WT_ENABLED, 1L);
        Http3ServerConnectionHandler h3 = new Http3ServerConnectionHandler(
                new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new ConnectHandler(kymux, c));
                    }
                }, null, type -> type == io.kymux.core.webtransport.WebTransportFraming.UNI_STREAM_TYPE
                        ? new Discard() : null,
                new DefaultHttp3SettingsFrame(settings), true, (key, value) -> true);
        return new ChannelHandler[] {h3, new Discard()};
    }

    /** The connection a stream belongs to, or null for kymux/1 connections. */
    public static WebTransportConnection of(QuicChannel quic) {
        return quic.attr(KEY).get();
    }

    /** Stream setup before HTTP/3's codec: bidirectional streams may be the page's. */
    public void initStream(QuicStreamChannel ch) {
        if (ch.type() == io.netty.handler.codec.quic.QuicStreamType.BIDIRECTIONAL) {
            ch.pipeline().addFirst(new PageStreamSniffer(this)); // ahead of HTTP/3's codec, whenever that was added
        }
    }

    QuicChannel quic() {
        return quic;
    }

    Kymux kymux() {
        return kymux;
    }

    boolean full() {
        return sessions.size() >= MAX_SESSIONS;
    }

    void opened(WebTransportViewer v) {
        sessions.put(v.sessionId(), v);
    }

    WebTransportViewer session(long id) {
        return sessions.get(id);
    }

    void closed(long id, String reason) {
        WebTransportViewer v = sessions.remove(id);
        if (v != null) {
            v.close(reason);
        }
    }

    /** Drops what nobody reads here: page datagrams and streams of no interest. */
    static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.buffer.ByteBuf) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
