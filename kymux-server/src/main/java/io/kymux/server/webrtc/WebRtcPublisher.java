package io.kymux.server.webrtc;

import io.kymux.core.feed.Feed;
import io.kymux.core.h264.H264Config;
import io.kymux.core.h264.Sps;
import io.kymux.core.media.IncreasingPts;
import io.kymux.core.media.SourceClock;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.kymux.server.Kymux;
import io.kymux.webrtc.Rtc;
import io.kymux.webrtc.RtcOutput;
import io.kymux.webrtc.rtp.H264Depacketizer;
import io.kymux.webrtc.rtp.NackReceiver;
import io.kymux.webrtc.rtp.RtpHeader;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty edge of one WebRTC publisher (WHIP, RFC 9725): drives its sans-I/O {@link Rtc}
 * with datagrams and ticks, puts the H.264 it receives back into access units
 * ({@link H264Depacketizer}), after putting its packets back in order and asking for lost
 * ones again ({@link NackReceiver}: a loss costs at most {@link #LOSS_WAIT_US}), and
 * publishes them into its feed, from the first IDR with its
 * SPS; its Opus, one packet per RTP packet, into {@code {feed}.audio} (when that feed is
 * free), from the first picture on. A viewer's keyframe request, or a loss the depacketizer cannot mend, becomes a PLI
 * to the publisher (at most one per {@link Feed#KEYFRAME_REQUEST_INTERVAL_US}). RTP
 * timestamps are moved onto the server's clock ({@link SourceClock}, across the 32-bit
 * wrap: a publisher runs for weeks). On the UDP
 * channel's event loop.
 */
final class WebRtcPublisher extends PeerEdge {

    private static final Logger log = LoggerFactory.getLogger(WebRtcPublisher.class);
    /** The audio feed's name is the publisher's feed's with this after it. */
    static final String AUDIO_SUFFIX = ".audio";
    /** How long a lost video packet is waited for (NACKed) before its access unit is given up. */
    static final long LOSS_WAIT_US = 100_000;
    static final long NACK_RETRY_US = 30_000;
    /** An access unit larger than this is dropped as broken. */
    static final int MAX_ACCESS_UNIT = 8 * 1024 * 1024;

    private final long id;
    private final WebRtcServer server;
    private final String feedName;
    private final Feed feed;
    private final int videoPayloadType;
    /** The Opus payload type, or -1 when the offer sends no audio. */
    private final int audioPayloadType;
    /** {@code {feed}.audio}: the publisher's Opus, when it sends any and the feed is free; else null. */
    private final Feed audioFeed;
    private boolean audioOpened;
    private final H264Depacketizer h264 = new H264Depacketizer(MAX_ACCESS_UNIT);
    /** Video in sequence order; a lost packet is asked for again and waited for at most {@link #LOSS_WAIT_US}. */
    private final NackReceiver<Received> video = new NackReceiver<>(LOSS_WAIT_US, NACK_RETRY_US, 2048);
    private final List<Received> inOrder = new ArrayList<>();
    /** RTP timestamps onto the server's clock: video at 90 kHz, Opus at 48 kHz, each its own. */
    private final SourceClock videoClock = new SourceClock(32, 90_000);
    private final SourceClock audioClock = new SourceClock(32, 48_000);
    private final IncreasingPts videoPts = new IncreasingPts();
    private final IncreasingPts audioPts = new IncreasingPts();

    /** An RTP packet as read once: its header and its payload, padding left out. */
    private record Received(RtpHeader header, ByteBuffer payload) {
    }
    private final List<H264Depacketizer.AccessUnit> units = new ArrayList<>();
    private final long createdUs;
    private long videoSsrc = -1;
    private boolean opened;
    private long lastPliUs = Long.MIN_VALUE / 2;
    private long plis;
    private boolean closed;

    WebRtcPublisher(long id, Kymux kymux, WebRtcServer server, Channel channel, Rtc rtc, String feedName, Feed feed,
                    int videoPayloadType, int audioPayloadType, Runnable keyframeRequestOnLoop) {
        super(kymux, channel, rtc);
        this.id = id;
        this.server = server;
        this.feedName = feedName;
        this.feed = feed;
        this.videoPayloadType = videoPayloadType;
        this.audioFeed = audioPayloadType >= 0 ? kymux.claimFeed(feedName + AUDIO_SUFFIX).feed() : null;
        this.audioPayloadType = audioFeed == null ? -1 : audioPayloadType;
        this.createdUs = kymux.nowUs();
        feed.setKeyframeRequester(keyframeRequestOnLoop); // a viewer's request comes on its own thread
    }

    @Override
    public long id() {
        return id;
    }

    /** Gaps past their wait are given up; missing packets asked for again. */
    @Override
    protected void onTick(long nowUs) {
        video.expire(nowUs, inOrder);
        depacketizeInOrder();
        askAgain(nowUs);
    }

    private void askAgain(long nowUs) {
        if (videoSsrc >= 0) {
            rtc.sendNack(videoSsrc, video.nacks(nowUs));
        }
    }

    @Override
    public void drain() {
        // a publisher has nothing queued to send
    }

    /** A PLI to the publisher, unless one went out within the feed's request interval. */
    void requestKeyframe() {
        long now = kymux.nowUs();
        if (videoSsrc < 0 || now - lastPliUs < Feed.KEYFRAME_REQUEST_INTERVAL_US) {
            return;
        }
        lastPliUs = now;
        plis++;
        rtc.requestKeyframe(videoSsrc);
        pump();
    }

    @Override
    protected void handle(RtcOutput o) {
        if (o instanceof RtcOutput.Rtp r) {
            receive(r.packet(), r.header(), r.payloadOffset());
        } else if (o instanceof RtcOutput.Connected) {
            log.info("WHIP publisher {} of {} connected after {} ms", id, feedName, (kymux.nowUs() - createdUs) / 1000);
        } else if (o instanceof RtcOutput.Closed c) {
            closed(c.reason());
        }
    }

    private void receive(byte[] packet, RtpHeader h, int payloadOffset) {
        ByteBuffer b = ByteBuffer.wrap(packet).position(payloadOffset);
        if ((packet[0] & 0x20) != 0 && b.hasRemaining()) { // padding: its count is the last byte
            b.limit(Math.max(b.position(), b.limit() - (packet[packet.length - 1] & 0xff)));
        }
        if (h.payloadType() == audioPayloadType) {
            receiveAudio(h, b);
            return;
        }
        if (h.payloadType() != videoPayloadType) {
            return; // RTX, FEC: not carried
        }
        videoSsrc = h.ssrc();
        long now = kymux.nowUs();
        video.accept(h.sequence(), new Received(h, b), now, inOrder);
        depacketizeInOrder();
        askAgain(now);
    }

    /** The video packets now in order, into access units and the feed. */
    private void depacketizeInOrder() {
        if (inOrder.isEmpty()) {
            return;
        }
        for (Received r : inOrder) {
            h264.accept(r.header(), r.payload(), units);
        }
        inOrder.clear();
        long now = kymux.nowUs();
        for (H264Depacketizer.AccessUnit au : units) {
            publish(au, now);
        }
        units.clear();
        if (h264.wantsKeyframe()) {
            requestKeyframe();
        }
    }

    /** One Opus packet per RTP packet (RFC 7587), its timestamp at 48 kHz on the program's clock. */
    private void receiveAudio(RtpHeader h, ByteBuffer b) {
        if (!b.hasRemaining() || !opened) {
            return; // silence suppressed, or no picture yet
        }
        long nowUs = kymux.nowUs();
        if (!audioOpened) {
            audioFeed.open(StreamHeader.audio(CodecId.OPUS));
            audioFeed.publish(new MediaPacket(nowUs, true, false,
                    new io.kymux.core.opus.OpusHead(2, 312, 48000).encode()), nowUs);
            audioOpened = true;
        }
        long ptsUs = audioPts.next(audioClock.toUs(h.timestamp(), nowUs));
        kymux.metrics().frameIn();
        // the packet's own array, no copy: nothing else holds it
        audioFeed.publish(new MediaPacket(ptsUs, false, true,
                Unpooled.wrappedBuffer(b.array(), b.position(), b.remaining())), nowUs);
    }

    private void publish(H264Depacketizer.AccessUnit au, long nowUs) {
        if (!opened) {
            Optional<Sps> sps = au.key() ? H264Config.findSps(au.annexB()) : Optional.empty();
            if (sps.isEmpty()) {
                au.annexB().release();
                requestKeyframe();
                return;
            }
            feed.open(StreamHeader.video(CodecId.H264, sps.get().width(), sps.get().height()));
            opened = true;
            log.info("WHIP publisher {}: H.264 {}x{} into feed {}", id, sps.get().width(), sps.get().height(), feedName);
        }
        long ptsUs = videoPts.next(videoClock.toUs(au.rtpTimestamp(), nowUs));
        kymux.metrics().frameIn();
        feed.publish(new MediaPacket(ptsUs, false, au.key(), au.annexB()), nowUs);
    }

    private void closed(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        h264.close();
        feed.setKeyframeRequester(null);
        if (opened) {
            feed.close();
        }
        kymux.releaseProducer(feedName);
        if (audioFeed != null) {
            if (audioOpened) {
                audioFeed.close();
            }
            kymux.releaseProducer(feedName + AUDIO_SUFFIX);
        }
        server.forget(this);
        log.info("WHIP publisher {} of {} closed ({}): {}, {} video packets recovered by NACK and {} lost, {} access units"
                + " dropped, {} PLIs", id, feedName, reason, rtc.stats(), video.recovered(), video.lost(), h264.dropped(), plis);
    }
}
