package io.kymux.core.webtransport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Optional;

/**
 * The bytes WebTransport over HTTP/3 puts in front of streams and datagrams
 * (draft-ietf-webtrans-http3): a unidirectional stream starts with the stream type 0x54
 * and the session id, a bidirectional one with the signal 0x41 and the session id, and an
 * HTTP/3 datagram (RFC 9297) with the quarter stream id of the session's CONNECT stream.
 * The session id is that CONNECT stream's id.
 */
public final class WebTransportFraming {

    public static final long UNI_STREAM_TYPE = 0x54;
    public static final long BIDI_SIGNAL = 0x41;

    private WebTransportFraming() {
    }

    /** What a stream's first bytes said. */
    public record StreamHeader(boolean bidirectional, long sessionId) {
    }

    public static ByteBuf uniStreamHeader(ByteBufAllocator alloc, long sessionId) {
        ByteBuf b = alloc.buffer(1 + QuicVarint.size(sessionId));
        QuicVarint.write(b, UNI_STREAM_TYPE);
        QuicVarint.write(b, sessionId);
        return b;
    }

    /** The varint length kymux puts in front of each browser message on a unidirectional stream. */
    public static ByteBuf messageLength(ByteBufAllocator alloc, int length) {
        ByteBuf b = alloc.buffer(QuicVarint.size(length));
        QuicVarint.write(b, length);
        return b;
    }

    /**
     * Reads a stream header: empty (nothing consumed) until both varints are there.
     *
     * @throws IllegalArgumentException the stream is not a WebTransport stream
     */
    public static Optional<StreamHeader> readStreamHeader(ByteBuf in, boolean bidirectional) {
        int start = in.readerIndex();
        long type = QuicVarint.read(in);
        long session = type < 0 ? -1 : QuicVarint.read(in);
        if (session < 0) {
            in.readerIndex(start);
            return Optional.empty();
        }
        long expected = bidirectional ? BIDI_SIGNAL : UNI_STREAM_TYPE;
        if (type != expected) {
            in.readerIndex(start);
            throw new IllegalArgumentException("stream type 0x" + Long.toHexString(type) + " is not WebTransport's 0x"
                    + Long.toHexString(expected));
        }
        if (session % 4 != 0) {
            throw new IllegalArgumentException("session id " + session + " is not a client bidirectional stream id");
        }
        return Optional.of(new StreamHeader(bidirectional, session));
    }

    /** An HTTP/3 datagram of this session: quarter stream id, then the payload (consumed, not released). */
    public static ByteBuf datagram(ByteBufAllocator alloc, long sessionId, ByteBuf payload) {
        ByteBuf b = alloc.buffer(QuicVarint.size(sessionId / 4) + payload.readableBytes());
        QuicVarint.write(b, sessionId / 4);
        b.writeBytes(payload);
        return b;
    }

    /**
     * The session id an HTTP/3 datagram belongs to; the reader is left at the payload.
     *
     * @throws IllegalArgumentException truncated
     */
    public static long readDatagramSession(ByteBuf in) {
        long quarter = QuicVarint.read(in);
        if (quarter < 0) {
            throw new IllegalArgumentException("truncated HTTP/3 datagram");
        }
        return quarter * 4;
    }
}
