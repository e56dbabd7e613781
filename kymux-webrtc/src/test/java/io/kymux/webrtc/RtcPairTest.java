package io.kymux.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.tls.Fingerprints;
import io.kymux.webrtc.dtls.BrowserDtls;
import io.kymux.webrtc.dtls.DtlsHandshake;
import io.kymux.webrtc.dtls.DtlsHandshakeTest.Identity;
import io.kymux.webrtc.rtp.H264PacketizerTest;
import io.kymux.webrtc.rtp.RtpHeader;
import io.kymux.webrtc.sdp.SdpAnswer;
import io.kymux.webrtc.sdp.SdpOffer;
import io.kymux.webrtc.srtp.SrtpSession;
import io.kymux.webrtc.stun.StunMessage;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two peers over a simulated network with loss, delay and reordering, on a fake clock:
 * kymux's {@link Rtc} and a test browser (STUN checks as the controlling agent, a
 * BouncyCastle DTLS client, SRTP, NACK and PLI). They complete ICE and DTLS, then ten
 * simulated seconds of H.264 and Opus flow; every frame must arrive whole and in order,
 * the lost packets recovered by NACK retransmissions.
 */
class RtcPairTest {

    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 50000);
    static final InetSocketAddress ATTACKER = new InetSocketAddress("127.0.0.1", 60000);
    static final long SIMULATED_US = 10_000_000;
    static final boolean DEBUG = false;

    /** A datagram in flight. */
    record InFlight(long atUs, long order, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    }

    /**
     * Loss, 20 ms one-way delay with a little jitter, and reordering: a few datagrams are
     * held back 5–15 ms so later ones overtake them. From a seed.
     */
    static final class Network {
        final PriorityQueue<InFlight> queue = new PriorityQueue<>((a, b) -> a.atUs != b.atUs
                ? Long.compare(a.atUs, b.atUs) : Long.compare(a.order, b.order));
        final Random random = new Random(42);
        double loss;
        double reorder;
        final Map<InetSocketAddress, Long> lastAt = new HashMap<>();
        long order;
        long sent;
        long lost;

        Network(double loss, double reorder) {
            this.loss = loss;
            this.reorder = reorder;
        }

        void send(long nowUs, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
            sent++;
            if (DEBUG && bytes[0] >= 20 && bytes[0] <= 63) System.out.println(nowUs + " DTLS " + from.getPort() + " type " + bytes[0] + " len " + bytes.length + " hs " + (bytes.length > 13 ? bytes[13] : -1));
            if (random.nextDouble() < loss) {
                lost++;
                if (DEBUG && bytes[0] >= 20 && bytes[0] <= 63) System.out.println(nowUs + " lost DTLS " + from.getPort() + " type " + bytes[0] + " len " + bytes.length);
                return;
            }
            long at;
            if (random.nextDouble() < reorder) {
                at = nowUs + 25_000 + random.nextInt(10_000); // held back: later packets overtake it
            } else {
                at = Math.max(nowUs + 20_000 + random.nextInt(2_000), lastAt.getOrDefault(to, 0L));
                lastAt.put(to, at);
            }
            queue.add(new InFlight(at, order++, from, to, bytes));
        }

        InFlight due(long nowUs) {
            return !queue.isEmpty() && queue.peek().atUs <= nowUs ? queue.poll() : null;
        }
    }

    static String fixture(String name) throws Exception {
        try (InputStream in = RtcPairTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The saved Chromium offer with this test browser's ICE credentials and certificate. */
    static SdpOffer browserOffer(String ufrag, String pwd, Identity browser) throws Exception {
        String sdp = fixture("chromium-156-recvonly-offer.sdp")
                .replaceAll("a=ice-ufrag:.*", "a=ice-ufrag:" + ufrag)
                .replaceAll("a=ice-pwd:.*", "a=ice-pwd:" + pwd)
                .replaceAll("a=fingerprint:sha-256 .*", "a=fingerprint:sha-256 " + Fingerprints.of(browser.cert()));
        return SdpOffer.parse(sdp);
    }

    /** The browser: checks, DTLS client, SRTP receiver with NACK. */
    static final class Browser {
        final Identity identity;
        final String serverUfrag;
        final String serverPwd;
        final String ufrag;
        DtlsHandshake dtls;
        SrtpSession srtp;
        boolean iceConnected;
        long lastCheckUs = -10_000_000;
        final Map<Long, TreeMap<Integer, byte[]>> received = new HashMap<>();
        /** Missing sequence → when it was last NACKed. */
        final Map<Integer, Long> missing = new LinkedHashMap<>();
        Integer highestVideo;
        long videoSsrc;
        long nacksSent;
        long duplicates;

        Browser(Identity identity, String serverUfrag, String serverPwd, String ufrag) {
            this.identity = identity;
            this.serverUfrag = serverUfrag;
            this.serverPwd = serverPwd;
            this.ufrag = ufrag;
        }

        byte[] check() {
            List<StunMessage.Attribute> a = new ArrayList<>();
            a.add(new StunMessage.Attribute(StunMessage.USERNAME,
                    (serverUfrag + ":" + ufrag).getBytes(StandardCharsets.UTF_8)));
            a.add(new StunMessage.Attribute(StunMessage.ICE_CONTROLLING, new byte[8]));
            a.add(new StunMessage.Attribute(StunMessage.USE_CANDIDATE, new byte[0]));
            byte[] tid = new byte[12];
            new Random().nextBytes(tid);
            return new StunMessage(StunMessage.BINDING_REQUEST, tid, a).encode(serverPwd);
        }

        void tick(long nowUs, Network net) throws Exception {
            long interval = iceConnected ? 2_000_000 : 50_000;
            if (nowUs - lastCheckUs >= interval) {
                lastCheckUs = nowUs;
                net.send(nowUs, BROWSER, SERVER, check());
            }
            if (dtls != null) {
                for (byte[] d = dtls.poll(); d != null; d = dtls.poll()) {
                    net.send(nowUs, BROWSER, SERVER, d);
                }
                if (srtp == null && dtls.keys().isDone()) {
                    srtp = SrtpSession.client(dtls.keys().get());
                }
            }
            if (srtp != null && !missing.isEmpty()) {
                nack(nowUs, net);
            }
        }

        void receive(long nowUs, byte[] d) throws Exception {
            int first = d[0] & 0xff;
            if (first <= 3) {
                StunMessage m = StunMessage.parse(ByteBuffer.wrap(d));
                if (m.type() == StunMessage.BINDING_SUCCESS && StunMessage.verify(ByteBuffer.wrap(d), serverPwd)
                        && !iceConnected) {
                    iceConnected = true;
                    dtls = BrowserDtls.start(identity);
                }
            } else if (first >= 20 && first <= 63) {
                dtls.receive(d);
            } else if (srtp != null) {
                int pt = d[1] & 0xff;
                if (pt >= 192 && pt <= 223) {
                    srtp.unprotectRtcp(d); // sender reports: must authenticate
                    return;
                }
                byte[] rtp = srtp.unprotectRtp(d); // no replay window: duplicates are counted below
                RtpHeader h = RtpHeader.read(ByteBuffer.wrap(rtp));
                TreeMap<Integer, byte[]> track = received.computeIfAbsent(h.ssrc(), k -> new TreeMap<>());
                if (track.put(h.sequence(), rtp) != null) {
                    duplicates++;
                }
                if (h.payloadType() == videoPayloadType) {
                    videoSsrc = h.ssrc();
                    missing.remove(h.sequence());
                    if (highestVideo == null) {
                        highestVideo = h.sequence();
                    } else if (h.sequence() > highestVideo) {
                        for (int s = highestVideo + 1; s < h.sequence(); s++) {
                            if (!track.containsKey(s)) {
                                missing.put(s, nowUs - 60_000 + 12_000); // first NACK once reordering is ruled out
                            }
                        }
                        highestVideo = h.sequence();
                    }
                }
            }
        }

        int videoPayloadType;

        /** Generic NACKs (RFC 4585) for gaps, repeated every 60 ms until filled. */
        void nack(long nowUs, Network net) throws Exception {
            List<Integer> due = new ArrayList<>();
            for (Map.Entry<Integer, Long> e : missing.entrySet()) {
                if (nowUs - e.getValue() >= 60_000) {
                    if (DEBUG) System.out.println(nowUs + " NACK " + e.getKey() + " highest " + highestVideo);
                    due.add(e.getKey());
                    e.setValue(nowUs);
                }
            }
            if (due.isEmpty()) {
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(12 + 4 * due.size());
            b.put((byte) 0x81).put((byte) 205).putShort((short) (2 + due.size())).putInt(0x5eed).putInt((int) videoSsrc);
            for (int s : due) {
                b.putShort((short) s).putShort((short) 0);
            }
            net.send(nowUs, BROWSER, SERVER, srtp.protectRtcp(b.array()));
            nacksSent += due.size();
        }

        void pli(long nowUs, Network net) throws Exception {
            ByteBuffer b = ByteBuffer.allocate(12);
            b.put((byte) 0x81).put((byte) 206).putShort((short) 2).putInt(0x5eed).putInt((int) videoSsrc);
            net.send(nowUs, BROWSER, SERVER, srtp.protectRtcp(b.array()));
        }
    }

    @Test
    void iceDtlsAndMediaOverALossyReorderingNetwork() throws Exception {
        Identity serverId = Identity.make();
        Identity browserId = Identity.make();
        SdpOffer offer = browserOffer("brWs", "browser-password-0123456", browserId);
        RtcIdentity identity = new RtcIdentity(serverId.cert(), serverId.keys().getPrivate());
        SdpAnswer answer = new SdpAnswer(offer, "kyMx", "server-password-01234567", identity.fingerprint(), SERVER, 1,
                new Random(3)::nextLong);
        Network net = new Network(0.03, 0);
        Browser browser = new Browser(browserId, "kyMx", "server-password-01234567", "brWs");
        browser.videoPayloadType = answer.choices().stream().filter(c -> c.kind().equals("video")).findFirst()
                .orElseThrow().payloadType();
        long now = 0;
        Rtc rtc = new Rtc(offer, answer, "kyMx", "server-password-01234567", identity, now, () -> { });
        Map<Long, byte[]> sentVideo = new LinkedHashMap<>();
        byte[] sps = H264PacketizerTest.nal(0x67, 14, 1);
        byte[] pps = H264PacketizerTest.nal(0x68, 5, 2);
        rtc.writeVideoConfig(Unpooled.wrappedBuffer(H264PacketizerTest.annexB(sps, pps)));
        Random media = new Random(9);
        long connectedAtUs = -1;
        long frames = 0;
        long audioPackets = 0;
        int keyframeRequests = 0;
        long pliSentAtUs = -1;
        long realStart = System.nanoTime();
        long wallLimit = realStart + TimeUnit.SECONDS.toNanos(60);
        try {
            while (now < (connectedAtUs < 0 ? Rtc.CONNECT_TIMEOUT_US : connectedAtUs + SIMULATED_US + 1_000_000)
                    && System.nanoTime() < wallLimit) {
                for (InFlight f = net.due(now); f != null; f = net.due(now)) {
                    if (f.to().equals(SERVER)) {
                        if (DEBUG && f.bytes()[0] >= 20 && f.bytes()[0] <= 63 && f.from().equals(BROWSER)) System.out.println(now + " deliver to server type " + f.bytes()[0] + " epoch " + f.bytes()[4] + " hs " + f.bytes()[13]);
                        rtc.handleInput(now, f.from(), f.bytes());
                    } else {
                        browser.receive(now, f.bytes());
                    }
                }
                if (now >= rtc.nextTimeoutUs()) {
                    rtc.handleTimeout(now);
                }
                browser.tick(now, net);
                boolean sending = connectedAtUs >= 0 && now < connectedAtUs + SIMULATED_US;
                if (sending && (now - connectedAtUs) % 33_000 == 0) {
                    if (now + 33_000 >= connectedAtUs + SIMULATED_US) {
                        // the last frame: no packet after it would show a lost tail, and RTP has
                        // no tail-loss probe, so from here the network loses nothing
                        net.loss = 0;
                    }
                    boolean key = frames % 60 == 0;
                    byte[] au = key ? H264PacketizerTest.annexB(H264PacketizerTest.nal(0x65, 30_000 + media.nextInt(20_000), (int) frames))
                            : H264PacketizerTest.annexB(H264PacketizerTest.nal(0x41, 2_000 + media.nextInt(12_000), (int) frames));
                    long pts = 1_700_000_000_000_000L + now;
                    rtc.writeVideo(Unpooled.wrappedBuffer(au), pts, key);
                    sentVideo.put(pts * 9 / 100 & 0xffffffffL, key ? concat(H264PacketizerTest.annexB(sps, pps), au) : au);
                    frames++;
                }
                if (sending && (now - connectedAtUs) % 20_000 == 0) {
                    audioPackets += rtc.writeAudio(Unpooled.wrappedBuffer(new byte[] {(byte) 0xfc, 1, 2, 3}), 1_700_000_000_000_000L + now);
                }
                if (now % 10_000 == 0) {
                    net.send(now, ATTACKER, SERVER, garbage(media, browser)); // never answered with media, never harmful
                }
                // the network may lose a PLI as it loses anything else: like a browser, repeat it
                // until the keyframe is on its way (a round trip here is about 40 ms)
                if (sending && keyframeRequests == 0 && browser.srtp != null && now - connectedAtUs > 2_000_000
                        && (pliSentAtUs < 0 || now - pliSentAtUs >= 200_000)) {
                    browser.pli(now, net);
                    pliSentAtUs = now;
                }
                for (RtcOutput o = rtc.poll(); o != null; o = rtc.poll()) {
                    if (o instanceof RtcOutput.Transmit t) {
                        if (t.to().equals(ATTACKER)) {
                            assertThat(t.datagram()[0]).as("only STUN errors go to the attacker").isEqualTo((byte) 1);
                            continue;
                        }
                        assertThat(t.to()).isEqualTo(BROWSER);
                        net.send(now, SERVER, t.to(), t.datagram());
                    } else if (o instanceof RtcOutput.Connected) {
                        connectedAtUs = now;
                        // Reordering starts with the media: BouncyCastle's DTLS drops a ChangeCipherSpec
                        // that overtakes the CertificateVerify and recovers only by retransmission (1 s+)
                        net.reorder = 0.03;
                    } else if (o instanceof RtcOutput.KeyframeRequest) {
                        keyframeRequests++;
                    } else if (o instanceof RtcOutput.Closed c) {
                        throw new AssertionError("peer closed: " + c.reason());
                    }
                }
                if (connectedAtUs < 0 && browser.dtls != null) {
                    Thread.sleep(1); // the handshake threads run in real time; let them
                }
                now += 1_000;
            }
            assertThat(connectedAtUs).as("ICE and DTLS completed (ice %s, dtls %s, stats %s)", browser.iceConnected,
                    browser.dtls == null ? null : browser.dtls.keys(), rtc.stats()).isGreaterThan(0);
            assertThat(rtc.state()).isEqualTo(Rtc.State.CONNECTED);

            TreeMap<Integer, byte[]> video = browser.received.get(browser.videoSsrc);
            Map<Long, byte[]> got = reassemble(video);
            assertThat(browser.missing).as("every lost packet was recovered").isEmpty();
            assertThat(got.keySet()).containsExactlyElementsOf(sentVideo.keySet());
            for (Map.Entry<Long, byte[]> e : sentVideo.entrySet()) {
                assertThat(got.get(e.getKey())).as("frame at %d", e.getKey()).isEqualTo(e.getValue());
            }
            long audioSsrc = browser.received.keySet().stream().filter(s -> s != browser.videoSsrc).findFirst().orElseThrow();
            assertThat(browser.received.get(audioSsrc).size()).isGreaterThan((int) (audioPackets * 0.9));
            assertThat(keyframeRequests).as("PLI became a keyframe request").isEqualTo(1);
            assertThat(net.lost).isGreaterThan(0);
            assertThat(rtc.stats().retransmitted()).isGreaterThan(0);
            assertThat(rtc.stats().rejected()).as("garbage and forged checks counted").isGreaterThan(500);
            double realSeconds = (System.nanoTime() - realStart) / 1e9;
            System.out.printf("rtc pair: %d video frames, %d audio packets, %d datagrams (%d lost), %d NACKed,"
                            + " %d retransmitted (%d duplicates), %.1f simulated s in %.2f real s%n", frames, audioPackets, net.sent, net.lost,
                    browser.nacksSent, rtc.stats().retransmitted(), browser.duplicates, now / 1e6, realSeconds);
        } finally {
            rtc.close();
            if (browser.dtls != null) {
                browser.dtls.close();
            }
        }
    }

    /** Access units by RTP timestamp, from complete runs of packets ending in a marker. */
    static Map<Long, byte[]> reassemble(TreeMap<Integer, byte[]> packets) {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        List<byte[]> current = new ArrayList<>();
        Integer previous = null;
        for (Map.Entry<Integer, byte[]> e : packets.entrySet()) {
            if (previous != null && e.getKey() != previous + 1) {
                current.clear(); // a gap: that frame is incomplete
            }
            previous = e.getKey();
            current.add(e.getValue());
            RtpHeader h = RtpHeader.read(ByteBuffer.wrap(e.getValue()));
            if (h.marker()) {
                out.put(h.timestamp(), H264PacketizerTest.depacketize(current));
                current.clear();
            }
        }
        return out;
    }

    /** Random bytes of every class RFC 7983 knows, or a check with the wrong password. */
    static byte[] garbage(Random r, Browser browser) {
        if (r.nextInt(4) == 0) {
            return new Browser(browser.identity, browser.serverUfrag, "wrong-password-xxxxxxxx", browser.ufrag).check();
        }
        byte[] g = new byte[1 + r.nextInt(300)];
        r.nextBytes(g);
        g[0] = (byte) new int[] {0, 1, 22, 23, 128, 129, 200, 255}[r.nextInt(8)];
        return g;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
