package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.capture.PacketDecoder;
import io.kymux.core.packet.CodecId;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Chromium publishes its (fake) camera over WebRTC with WHIP ({@code POST /whip/{feed}}):
 * the H.264 and Opus it sends become feeds ({@code pub}, {@code pub.audio}) a WebSocket
 * viewer gets and FFmpeg decodes, another Chromium plays over WHEP and WebCodecs, and a
 * viewer's keyframe request reaches the publisher as a PLI, also through a lossy path.
 */
class WhipPublishTest {

    /** Publishes the fake camera to /whip/{feed} from a page of the server's; "ok" or what went wrong. */
    static final String PUBLISH = """
            const done = arguments[arguments.length - 1];
            (async () => {
              const media = await navigator.mediaDevices.getUserMedia({video: {width: 320, height: 240, frameRate: 30},
                  audio: true});
              const pc = new RTCPeerConnection();
              const t = pc.addTransceiver(media.getVideoTracks()[0], {direction: 'sendonly'});
              pc.addTransceiver(media.getAudioTracks()[0], {direction: 'sendonly'});
              const codecs = RTCRtpSender.getCapabilities('video').codecs;
              t.setCodecPreferences(codecs.filter(c => c.mimeType === 'video/H264' && /packetization-mode=1/.test(c.sdpFmtpLine)));
              await pc.setLocalDescription(await pc.createOffer());
              const res = await fetch('/whip/' + arguments[0], {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                  body: pc.localDescription.sdp});
              if (res.status !== 201) { done('WHIP answered ' + res.status + ': ' + await res.text()); return; }
              let answer = await res.text();
              if (typeof arguments[1] === 'number') {
                // a test's lossy relay stands between: the answer's candidate, moved to its port
                answer = answer.replace(/(a=candidate:\\S+ 1 udp \\d+ \\S+ )\\d+/g, '$1' + arguments[1]);
              }
              await pc.setRemoteDescription({type: 'answer', sdp: answer});
              window.whip = pc;
              done('ok');
            })().catch(e => done('failed: ' + e));
            """;

    static final String PLI_COUNT = """
            const done = arguments[arguments.length - 1];
            window.whip.getStats().then(r => { let n = 0; r.forEach(s => { if (s.type === 'outbound-rtp') n += s.pliCount || 0; });
              done(n); });
            """;

    /**
     * What the publisher's sender says about NACKs it got and packets it sent again, and what
     * kymux's receiver reports told it (remote-inbound-rtp: loss and round trip).
     */
    static final String RESENT = """
            const done = arguments[arguments.length - 1];
            window.whip.getStats().then(r => { const o = {nacks: 0, resent: 0, reports: 0, lost: 0, rtt: 0};
              r.forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video') {
                o.nacks += s.nackCount || 0; o.resent += s.retransmittedPacketsSent || 0; }
                if (s.type === 'remote-inbound-rtp' && s.kind === 'video') {
                  o.reports += s.roundTripTimeMeasurements || 0; o.lost += s.packetsLost || 0; o.rtt = s.roundTripTime || 0; } });
              done(JSON.stringify(o)); });
            """;

    /**
     * Between the publisher and kymux, a relay that loses 3 % of datagrams each way and delays
     * each by 10 ms: kymux's NACKs make Chromium send the lost packets again, its receiver
     * reports give Chromium the loss and round trip, and the pictures in the feed still decode.
     */
    @Test
    void aPublisherOnALossyPathIsAskedToResendAndItsPicturesDecode() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium("--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream");
             io.kymux.app.quic.LossyUdpRelay relay = new io.kymux.app.quic.LossyUdpRelay(
                     new java.net.InetSocketAddress("127.0.0.1", h.server.kymux().webrtc().port()), 0.03, 10, 24, false)) {
            browser.driver.get("http://localhost:" + h.port() + "/");
            JavascriptExecutor js = (JavascriptExecutor) browser.driver;
            assertThat(js.executeAsyncScript(PUBLISH, "lossy", relay.port())).isEqualTo("ok");
            h.awaitFeedFrames("lossy", 1, 30_000);
            List<WsViewer.Msg> video;
            try (WsViewer v = new WsViewer(h.port(), "lossy")) {
                v.awaitFrames(0, 150, 30_000);
                video = v.mediaOf(0);
            }
            com.fasterxml.jackson.databind.JsonNode resent = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree((String) js.executeAsyncScript(RESENT));
            System.out.println("WHIP through loss: relay lost " + relay.dropped.get() + " datagrams; publisher " + resent);
            assertThat(relay.dropped.get()).as("datagrams the relay lost").isPositive();
            assertThat(resent.get("nacks").asLong()).as("NACKs the publisher got: " + resent).isPositive();
            assertThat(resent.get("resent").asLong()).as("packets it sent again: " + resent).isPositive();
            // kymux's receiver reports reach the publisher's congestion control: the relay's
            // 10 ms each way is in the round trip they let it time
            assertThat(resent.get("reports").asLong()).as("round trips timed from receiver reports: " + resent).isPositive();
            assertThat(resent.get("rtt").asDouble()).as("round trip, s: " + resent).isBetween(0.015, 1.0);
            try (PacketDecoder d = WsViewer.decodeH264(video)) { // which fails on any frame FFmpeg rejects
                assertThat(d.framesDecoded()).as("pictures through loss, decoded").isGreaterThanOrEqualTo(150);
                assertThat(d.width()).isEqualTo(320);
            }
        }
    }

    /**
     * A second Chromium watches what the first publishes, over WHEP (its inbound-rtp
     * framesDecoded) and over WebCodecs ({@code /watch}, the player's decoded count): any
     * ingest, any egress, browser to browser.
     */
    @Test
    void aSecondChromiumWatchesTheWhipFeedOverWhepAndOverWebCodecs() throws Exception {
        try (Harness h = new Harness(); Chromium publisher = new Chromium("--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream"); Chromium whep = new Chromium(); Chromium codecs = new Chromium()) {
            publisher.driver.get("http://localhost:" + h.port() + "/");
            assertThat(((JavascriptExecutor) publisher.driver).executeAsyncScript(PUBLISH, "pub")).isEqualTo("ok");
            h.awaitFeedFrames("pub", 1, 20_000);
            whep.driver.get("http://localhost:" + h.port() + "/watch/pub?transport=webrtc");
            codecs.driver.get("http://localhost:" + h.port() + "/watch/pub?transport=websocket");
            java.time.Duration wait = java.time.Duration.ofSeconds(30);
            var overWhep = whep.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60, wait);
            var overCodecs = codecs.awaitStats(n -> n.get("videoFramesDecoded").asInt() >= 60, wait);
            assertThat(overWhep.get("transport").asText()).isEqualTo("webrtc");
            assertThat(WebRtcPlayerTest.rtcStats(whep).get("framesDecoded").asInt()).as("inbound-rtp framesDecoded")
                    .isGreaterThanOrEqualTo(60);
            assertThat(overCodecs.get("transport").asText()).isEqualTo("websocket");
            assertThat(overCodecs.get("videoFramesDecoded").asInt()).as("VideoDecoder output " + overCodecs)
                    .isGreaterThanOrEqualTo(60);
            assertThat(overCodecs.get("errors")).as("decoder errors").isEmpty();
        }
    }

    @Test
    void chromiumPublishesOverWhipIntoAFeedThatDecodes() throws Exception {
        try (Harness h = new Harness(); Chromium browser = new Chromium("--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream")) {
            browser.driver.get("http://localhost:" + h.port() + "/");
            JavascriptExecutor js = (JavascriptExecutor) browser.driver;
            Object r = js.executeAsyncScript(PUBLISH, "pub");
            assertThat(r).isEqualTo("ok");
            h.awaitFeedFrames("pub", 1, 20_000);
            h.awaitFeedFrames("pub.audio", 1, 20_000);
            h.server.kymux().putStream("lab", List.of("pub", "pub.audio"));
            List<WsViewer.Msg> video;
            List<WsViewer.Msg> audio;
            try (WsViewer v = new WsViewer(h.port(), "lab")) {
                v.awaitFrames(0, 60, 20_000);
                v.awaitFrames(1, 50, 10_000);
                video = v.mediaOf(0);
                audio = v.mediaOf(1);
            }
            try (PacketDecoder d = new PacketDecoder(CodecId.OPUS)) {
                audio.stream().filter(m -> !m.config()).forEach(m -> d.decode(Unpooled.wrappedBuffer(m.payload()), m.ptsUs()));
                d.flush();
                assertThat(d.framesDecoded()).as("Opus packets the browser published, decoded").isGreaterThanOrEqualTo(50);
                assertThat(d.errors()).isZero();
            }
            try (PacketDecoder d = WsViewer.decodeH264(video)) {
                assertThat(d.framesDecoded()).as("pictures the browser published, decoded").isGreaterThanOrEqualTo(60);
                assertThat(d.width()).isEqualTo(320);
            }

            // a viewer that joins asks for a keyframe: an acking one whose GOP began more than the
            // latency budget ago (the publisher's last keyframe came at its start), as the player does
            long before = ((Number) js.executeAsyncScript(PLI_COUNT)).longValue();
            Thread.sleep(600); // past the feed's request interval
            long after = before;
            try (WsViewer joining = WsViewer.acking(h.port(), "pub")) {
                long end = System.nanoTime() + 5_000_000_000L;
                while (after <= before && System.nanoTime() < end) {
                    Thread.sleep(100);
                    after = ((Number) js.executeAsyncScript(PLI_COUNT)).longValue();
                }
            }
            assertThat(after).as("PLIs the publisher got after a viewer joined").isGreaterThan(before);
        }
    }
}
