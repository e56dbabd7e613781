package io.kymux.webrtc.sdp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * kymux's answer to a viewer's offer: ICE-lite, DTLS passive, BUNDLE on one port,
 * rtcp-mux, and per accepted section one codec (H.264 packetization-mode 1, preferring
 * constrained baseline 42e01f; Opus 48 kHz stereo) sent one way. An offer without a
 * usable video or audio codec is rejected with a reason, never answered half-way.
 */
public final class SdpAnswer {

    /**
     * Chromium's playout-delay header extension: a sender's bounds on how long the receiver
     * may hold a frame back to smooth jitter. kymux sends min = max = 0 on video: show each
     * frame as soon as it is decoded, as the WebCodecs player does; the server's latency
     * budget, not a jitter buffer, keeps the picture live.
     */
    public static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    /** What was chosen per section, for the packetizers; {@code playoutDelayId} 0 when not agreed. */
    public record Choice(String mid, String kind, int payloadType, long ssrc, int playoutDelayId) {
    }

    private final List<Choice> choices = new ArrayList<>();
    private final String sdp;

    public SdpAnswer(SdpOffer offer, String iceUfrag, String icePwd, String dtlsFingerprintSha256,
                     InetSocketAddress candidate, long sessionId, java.util.function.LongSupplier ssrcs) {
        this(offer, iceUfrag, icePwd, dtlsFingerprintSha256, candidate, sessionId, ssrcs, false);
    }

    /**
     * {@code receive}: the answer to a publisher's offer (WHIP): its sendonly sections are
     * received ({@code a=recvonly}), with no SSRC of ours.
     */
    public SdpAnswer(SdpOffer offer, String iceUfrag, String icePwd, String dtlsFingerprintSha256,
                     InetSocketAddress candidate, long sessionId, java.util.function.LongSupplier ssrcs, boolean receive) {
        StringBuilder b = new StringBuilder();
        b.append("v=0\r\n").append("o=- ").append(sessionId).append(" 2 IN IP4 127.0.0.1\r\n").append("s=kymux\r\n")
                .append("t=0 0\r\n").append("a=ice-lite\r\n");
        StringBuilder sections = new StringBuilder();
        List<String> mids = new ArrayList<>();
        for (SdpOffer.Media m : offer.media()) {
            Optional<SdpOffer.Codec> codec = choose(m);
            String wanted = receive ? "sendonly" : "recvonly";
            if (codec.isEmpty() || !(m.direction().equals(wanted) || m.direction().equals("sendrecv"))) {
                sections.append("m=").append(m.kind()).append(" 0 UDP/TLS/RTP/SAVPF 0\r\na=mid:").append(m.mid())
                        .append("\r\na=inactive\r\n");
                continue;
            }
            if (!m.rtcpMux()) {
                throw new IllegalArgumentException("section " + m.mid() + " lacks a=rtcp-mux, which kymux requires");
            }
            SdpOffer.Codec c = codec.get();
            long ssrc = ssrcs.getAsLong() & 0xffffffffL;
            int playoutDelay = m.kind().equals("video") && !receive ? m.extensionId(PLAYOUT_DELAY) : 0;
            choices.add(new Choice(m.mid(), m.kind(), c.payloadType(), ssrc, playoutDelay));
            mids.add(m.mid());
            sections.append("m=").append(m.kind()).append(" 9 UDP/TLS/RTP/SAVPF ").append(c.payloadType()).append("\r\n")
                    .append("c=IN IP4 0.0.0.0\r\n")
                    .append("a=mid:").append(m.mid()).append("\r\n")
                    .append(receive ? "a=recvonly\r\n" : "a=sendonly\r\n").append("a=rtcp-mux\r\n")
                    .append("a=ice-ufrag:").append(iceUfrag).append("\r\n")
                    .append("a=ice-pwd:").append(icePwd).append("\r\n")
                    .append("a=fingerprint:sha-256 ").append(dtlsFingerprintSha256).append("\r\n")
                    .append("a=setup:passive\r\n")
                    .append("a=rtpmap:").append(c.payloadType()).append(' ').append(c.name()).append('/').append(c.clockRate());
            if (m.kind().equals("audio")) {
                sections.append("/2");
            }
            sections.append("\r\n");
            if (m.kind().equals("video")) {
                sections.append("a=fmtp:").append(c.payloadType())
                        .append(" level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=")
                        .append(c.fmtp().getOrDefault("profile-level-id", "42e01f")).append("\r\n")
                        .append("a=rtcp-fb:").append(c.payloadType()).append(" nack\r\n")
                        .append("a=rtcp-fb:").append(c.payloadType()).append(" nack pli\r\n")
                        .append("a=rtcp-fb:").append(c.payloadType()).append(" ccm fir\r\n");
                if (playoutDelay > 0) {
                    sections.append("a=extmap:").append(playoutDelay).append(' ').append(PLAYOUT_DELAY).append("\r\n");
                }
            } else {
                sections.append("a=fmtp:").append(c.payloadType()).append(" minptime=10;useinbandfec=1\r\n");
            }
            if (!receive) {
                // one media stream for both tracks, so the browser keeps audio and video in sync
                sections.append("a=msid:kymux kymux-").append(m.kind()).append("\r\n")
                        .append("a=ssrc:").append(ssrc).append(" cname:kymux\r\n");
            }
            sections.append("a=candidate:1 1 udp 2130706431 ").append(candidate.getAddress().getHostAddress()).append(' ')
                    .append(candidate.getPort()).append(" typ host\r\n")
                    .append("a=end-of-candidates\r\n");
        }
        if (choices.isEmpty()) {
            throw new IllegalArgumentException(receive
                    ? "the offer has no section kymux can receive: it needs a sendonly video section with H.264 "
                            + "packetization-mode=1 or an audio section with Opus/48000/2"
                    : "the offer has no section kymux can send: it needs a recvonly video "
                            + "section with H.264 packetization-mode=1 or an audio section with Opus/48000/2");
        }
        b.append("a=group:BUNDLE ").append(String.join(" ", mids)).append("\r\n").append(sections);
        this.sdp = b.toString();
    }

    private static Optional<SdpOffer.Codec> choose(SdpOffer.Media m) {
        if (m.kind().equals("video")) {
            List<SdpOffer.Codec> h264 = m.codecs().stream().filter(SdpOffer.Codec::isH264Mode1).toList();
            return h264.stream().filter(c -> c.fmtp().getOrDefault("profile-level-id", "").equalsIgnoreCase("42e01f"))
                    .findFirst().or(() -> h264.stream().findFirst());
        }
        if (m.kind().equals("audio")) {
            return m.codecs().stream().filter(c -> c.name().equalsIgnoreCase("opus") && c.clockRate() == 48000).findFirst();
        }
        return Optional.empty();
    }

    public String sdp() {
        return sdp;
    }

    public List<Choice> choices() {
        return List.copyOf(choices);
    }
}
