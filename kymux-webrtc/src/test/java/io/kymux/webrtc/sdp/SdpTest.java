package io.kymux.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SdpTest {

    /** The shape of a Chromium recvonly offer (WHEP), trimmed to what matters. */
    static final String OFFER = String.join("\r\n",
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed", "a=msid-semantic: WMS",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 102 103", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:brWs", "a=ice-pwd:aBrowserPasswordOf24ch", "a=ice-options:trickle",
            "a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
            "a=setup:actpass", "a=mid:0", "a=recvonly", "a=rtcp-mux", "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack",
            "a=rtpmap:102 H264/90000", "a=rtcp-fb:102 nack", "a=rtcp-fb:102 nack pli",
            "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=rtpmap:103 H264/90000", "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0", "c=IN IP4 0.0.0.0", "a=ice-ufrag:brWs", "a=ice-pwd:aBrowserPasswordOf24ch",
            "a=mid:1", "a=recvonly", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:0 PCMU/8000", "");

    @Test
    void parsesWhatKymuxNeeds() {
        SdpOffer o = SdpOffer.parse(OFFER);
        assertThat(o.iceUfrag()).isEqualTo("brWs");
        assertThat(o.icePwd()).isEqualTo("aBrowserPasswordOf24ch");
        assertThat(o.fingerprintAlgorithm()).isEqualTo("sha-256");
        assertThat(o.fingerprint()).startsWith("AB:CD:EF");
        assertThat(o.media()).hasSize(2);
        assertThat(o.media().get(0).direction()).isEqualTo("recvonly");
        assertThat(o.media().get(0).codecs()).extracting(SdpOffer.Codec::payloadType).containsExactly(96, 102, 103);
        assertThat(o.media().get(0).codecs().get(1).isH264Mode1()).isTrue();
    }

    @Test
    void answersWithConstrainedBaselineH264AndOpusBundledOnOnePort() {
        AtomicLong ssrc = new AtomicLong(1000);
        SdpAnswer a = new SdpAnswer(SdpOffer.parse(OFFER), "kyMx", "a-local-password-22chars", "11:22",
                new InetSocketAddress("127.0.0.1", 8443), 42, ssrc::incrementAndGet);
        assertThat(a.choices()).extracting(SdpAnswer.Choice::payloadType).containsExactly(103, 111);
        assertThat(a.sdp()).contains("a=ice-lite\r\n").contains("a=group:BUNDLE 0 1\r\n")
                .contains("m=video 9 UDP/TLS/RTP/SAVPF 103\r\n").contains("a=setup:passive")
                .contains("a=sendonly").contains("a=rtpmap:111 opus/48000/2")
                .contains("a=candidate:1 1 udp 2130706431 127.0.0.1 8443 typ host")
                .contains("a=rtcp-fb:103 nack pli").contains("profile-level-id=42e01f");
    }

    @Test
    void offersKymuxCannotServeAreRejectedWithAReason() {
        assertThatThrownBy(() -> SdpOffer.parse("hello")).hasMessageContaining("v=0");
        assertThatThrownBy(() -> SdpOffer.parse(OFFER.replace("a=ice-ufrag:brWs\r\n", ""))).hasMessageContaining("ice-ufrag");
        String vp8Only = OFFER.replace("packetization-mode=1", "packetization-mode=0").replace("a=rtpmap:111 opus/48000/2", "");
        assertThatThrownBy(() -> new SdpAnswer(SdpOffer.parse(vp8Only), "u", "p", "f",
                new InetSocketAddress("127.0.0.1", 1), 1, () -> 1)).hasMessageContaining("H.264 packetization-mode=1");
        assertThatThrownBy(() -> SdpOffer.parse("v=0\r\n" + "a=x\r\n".repeat(20_000))).hasMessageContaining("over 64 KiB");
    }

    static String fixture(String name) throws Exception {
        try (var in = SdpTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A real offer, saved from headless Chromium 156 (recvonly video and audio transceivers). */
    @Test
    void realChromiumOfferIsAnsweredWithConstrainedBaselineAndOpus() throws Exception {
        SdpOffer o = SdpOffer.parse(fixture("chromium-156-recvonly-offer.sdp"));
        assertThat(o.iceUfrag()).isEqualTo("3dFZ");
        assertThat(o.fingerprintAlgorithm()).isEqualTo("sha-256");
        assertThat(o.setup()).isEqualTo("actpass");
        assertThat(o.media()).extracting(SdpOffer.Media::kind).containsExactly("video", "audio");
        assertThat(o.media()).allSatisfy(m -> assertThat(m.direction()).isEqualTo("recvonly"));
        assertThat(o.media().get(0).codecs()).anyMatch(SdpOffer.Codec::isH264Mode1);
        SdpAnswer a = new SdpAnswer(o, "kyMx", "a-local-password-22chars", "11:22",
                new InetSocketAddress("127.0.0.1", 8443), 7, new AtomicLong(5)::incrementAndGet);
        SdpOffer.Codec chosen = o.media().get(0).codecs().stream()
                .filter(c -> c.payloadType() == a.choices().get(0).payloadType()).findFirst().orElseThrow();
        assertThat(chosen.isH264Mode1()).isTrue();
        assertThat(chosen.fmtp().get("profile-level-id")).isEqualToIgnoringCase("42e01f");
        assertThat(a.choices()).extracting(SdpAnswer.Choice::kind).containsExactly("video", "audio");
        assertThat(a.sdp()).contains("a=group:BUNDLE 0 1\r\n").contains("a=msid:kymux kymux-video");
        // Chromium offers the playout-delay extension on video: agreed under the offer's id
        int id = o.media().get(0).extensionId(SdpAnswer.PLAYOUT_DELAY);
        assertThat(id).isBetween(1, 14);
        assertThat(a.choices().get(0).playoutDelayId()).isEqualTo(id);
        assertThat(a.choices().get(1).playoutDelayId()).as("audio has none").isZero();
        assertThat(a.sdp()).contains("a=extmap:" + id + " " + SdpAnswer.PLAYOUT_DELAY + "\r\n");
        assertThat(a.sdp().split("a=extmap:").length).as("the one extension kymux writes").isEqualTo(2);
    }

    @Test
    void extensionsAreReadWithTheirOneByteIdsAndOthersIgnored() {
        String offer = OFFER.replace("a=mid:0\r\n", "a=mid:0\r\na=extmap:5 " + SdpAnswer.PLAYOUT_DELAY + "\r\n"
                + "a=extmap:3/recvonly urn:x:directed\r\na=extmap:15 urn:x:two-byte\r\na=extmap:x urn:x:bad\r\n"
                + "a=extmap:7\r\n");
        SdpOffer.Media video = SdpOffer.parse(offer).media().get(0);
        assertThat(video.extensions()).containsOnly(java.util.Map.entry(SdpAnswer.PLAYOUT_DELAY, 5),
                java.util.Map.entry("urn:x:directed", 3));
        SdpAnswer a = new SdpAnswer(SdpOffer.parse(offer), "kyMx", "a-local-password-22chars", "11:22",
                new InetSocketAddress("127.0.0.1", 1), 1, () -> 1);
        assertThat(a.choices().get(0).playoutDelayId()).isEqualTo(5);
        SdpAnswer none = new SdpAnswer(SdpOffer.parse(OFFER), "kyMx", "a-local-password-22chars", "11:22",
                new InetSocketAddress("127.0.0.1", 1), 1, () -> 1);
        assertThat(none.choices().get(0).playoutDelayId()).as("not offered, not sent").isZero();
        assertThat(none.sdp()).doesNotContain("extmap");
    }

    /**
     * A real offer from headless Firefox ESR 153 on this machine: session-level fingerprint,
     * and no H.264 at all (the OpenH264 plugin is downloaded on first use, which a closed
     * network prevents). kymux answers the audio and rejects the video section, not the call.
     */
    @Test
    void realFirefoxOfferWithoutH264GetsAudioOnly() throws Exception {
        SdpOffer o = SdpOffer.parse(fixture("firefox-153esr-recvonly-offer.sdp"));
        assertThat(o.iceUfrag()).isEqualTo("5591c400");
        assertThat(o.fingerprint()).startsWith("17:A6:66");
        assertThat(o.media()).extracting(SdpOffer.Media::kind).containsExactly("video", "audio");
        assertThat(o.media().get(0).codecs()).noneMatch(SdpOffer.Codec::isH264Mode1);
        SdpAnswer a = new SdpAnswer(o, "kyMx", "a-local-password-22chars", "11:22",
                new InetSocketAddress("127.0.0.1", 8443), 7, new AtomicLong(5)::incrementAndGet);
        assertThat(a.choices()).extracting(SdpAnswer.Choice::kind).containsExactly("audio");
        assertThat(a.sdp()).contains("m=video 0 ").contains("a=group:BUNDLE 1\r\n");
    }

    @Test
    void fuzzedOffersFailWithIllegalArgumentOnly() throws Exception {
        String base = fixture("chromium-156-recvonly-offer.sdp");
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder(base);
            for (int k = 0; k < 1 + r.nextInt(8); k++) {
                int at = r.nextInt(b.length());
                switch (r.nextInt(3)) {
                    case 0 -> b.deleteCharAt(at);
                    case 1 -> b.insert(at, (char) (32 + r.nextInt(95)));
                    default -> b.delete(at, Math.min(b.length(), at + r.nextInt(200)));
                }
            }
            try {
                new SdpAnswer(SdpOffer.parse(b.toString()), "u", "p", "f", new InetSocketAddress("127.0.0.1", 1), 1,
                        () -> 1);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
