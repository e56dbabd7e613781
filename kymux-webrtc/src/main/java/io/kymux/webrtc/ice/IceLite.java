package io.kymux.webrtc.ice;

import io.kymux.webrtc.stun.StunMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The ICE-lite agent of one peer connection (RFC 8445 §2.5): it never sends checks, it
 * answers the browser's. A binding request whose USERNAME is {@code localUfrag:remoteUfrag}
 * and whose MESSAGE-INTEGRITY verifies with the local password gets a success response
 * with XOR-MAPPED-ADDRESS; USE-CANDIDATE nominates the sender's address as the path media
 * goes to. Requests keep the consent fresh (RFC 7675). Sans-I/O: datagrams and {@code now}
 * in, datagrams and events out.
 */
public final class IceLite {

    /** Consent expires this long after the last valid check. */
    public static final long CONSENT_TIMEOUT_US = 30_000_000;

    /** What the transport must do or know. */
    public sealed interface Output {
        record Send(byte[] datagram, InetSocketAddress to) implements Output {
        }

        /** The remote nominated this address: send media there. */
        record Nominated(InetSocketAddress remote) implements Output {
        }
    }

    private final String localUfrag;
    private final String localPassword;
    private final String remoteUfrag;
    /** Peers may check from several addresses; this many authenticated ones are remembered. */
    public static final int MAX_VALIDATED = 8;

    private InetSocketAddress nominated;
    private final java.util.Set<InetSocketAddress> validated = new java.util.LinkedHashSet<>();
    private long lastValidUs = Long.MIN_VALUE;
    private long rejected;

    public IceLite(String localUfrag, String localPassword, String remoteUfrag) {
        this.localUfrag = localUfrag;
        this.localPassword = localPassword;
        this.remoteUfrag = remoteUfrag;
    }

    /** The USERNAME a valid check carries; the server demultiplexes peers by it. */
    public String expectedUsername() {
        return localUfrag + ":" + remoteUfrag;
    }

    /** One STUN datagram from {@code from}; malformed or unauthenticated ones are answered or ignored, never thrown. */
    public void handle(ByteBuffer datagram, InetSocketAddress from, long nowUs, List<Output> out) {
        StunMessage m;
        try {
            m = StunMessage.parse(datagram);
        } catch (IllegalArgumentException e) {
            rejected++;
            return;
        }
        if (m.type() != StunMessage.BINDING_REQUEST) {
            return; // indications and responses need no answer from a lite agent
        }
        String user = m.attribute(StunMessage.USERNAME).map(StunMessage.Attribute::text).orElse("");
        if (!user.equals(expectedUsername()) || !StunMessage.verify(datagram, localPassword)) {
            rejected++;
            out.add(new Output.Send(error(m, 401, "Unauthorized"), from));
            return;
        }
        lastValidUs = nowUs;
        if (validated.add(from) && validated.size() > MAX_VALIDATED) {
            validated.remove(validated.iterator().next());
        }
        byte[] response = new StunMessage(StunMessage.BINDING_SUCCESS, m.transactionId(), List.of(
                new StunMessage.Attribute(StunMessage.XOR_MAPPED_ADDRESS,
                        StunMessage.xorMappedAddress(from, m.transactionId())))).encode(localPassword);
        out.add(new Output.Send(response, from));
        if (m.attribute(StunMessage.USE_CANDIDATE).isPresent() && !from.equals(nominated)) {
            nominated = from;
            out.add(new Output.Nominated(from));
        }
    }

    private static byte[] error(StunMessage request, int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer v = ByteBuffer.allocate(4 + text.length);
        v.putShort((short) 0).put((byte) (code / 100)).put((byte) (code % 100)).put(text);
        return new StunMessage(StunMessage.BINDING_ERROR, request.transactionId(),
                List.of(new StunMessage.Attribute(StunMessage.ERROR_CODE, v.array()))).encode(null);
    }

    /** Whether {@code from} passed an authenticated check: DTLS is accepted from such addresses only. */
    public boolean validated(InetSocketAddress from) {
        return validated.contains(from);
    }

    public Optional<InetSocketAddress> nominated() {
        return Optional.ofNullable(nominated);
    }

    /** Whether the remote still consents (a valid check within {@link #CONSENT_TIMEOUT_US}). */
    public boolean consentFresh(long nowUs) {
        return lastValidUs != Long.MIN_VALUE && nowUs - lastValidUs < CONSENT_TIMEOUT_US;
    }

    public long rejected() {
        return rejected;
    }
}
