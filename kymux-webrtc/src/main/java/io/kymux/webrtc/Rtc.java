package io.kymux.webrtc;

import io.kymux.webrtc.dtls.DtlsHandshake;
import io.kymux.webrtc.dtls.SrtpKeys;
import io.kymux.webrtc.ice.IceLite;
import io.kymux.webrtc.rtp.H264Packetizer;
import io.kymux.webrtc.rtp.LossBasedRate;
import io.kymux.webrtc.rtp.OpusPacketizer;
import io.kymux.webrtc.rtp.ReceptionStats;
import io.kymux.webrtc.rtp.RtpHeader;
import io.kymux.webrtc.rtp.Rtcp;
import io.kymux.webrtc.sdp.SdpAnswer;
import io.kymux.webrtc.sdp.SdpOffer;
import io.kymux.webrtc.srtp.SrtpException;
import io.kymux.webrtc.srtp.SrtpSession;
import io.kymux.core.h264.H264Config;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One WebRTC viewer as a sans-I/O state machine, in the manner of str0m's {@code Rtc}:
 * the driver hands it received datagrams ({@link #handleInput}), the passing of time
 * ({@link #handleTimeout}) and media ({@link #writeVideo}, {@link #writeAudio}), and
 * polls {@link RtcOutput}s — datagrams to send and events — until there are none, then
 * sleeps until {@link #nextTimeoutUs}. There is no clock, socket or thread inside, with
 * the one documented exception of the DTLS handshake ({@link DtlsHandshake}), which runs
 * BouncyCastle's blocking accept on a thread of its own and calls {@code wake} when the
 * driver should poll again.
 *
 * <p>Datagrams are demultiplexed by their first byte (RFC 7983): STUN goes to the ICE-lite
 * agent, DTLS to the handshake (only from addresses that passed an authenticated ICE
 * check), SRTCP to the feedback handling. NACKs are answered from a bounded history of
 * sent packets, PLI and FIR become {@link RtcOutput.KeyframeRequest}s. Not thread-safe:
 * one driver thread.
 */
public final class Rtc implements AutoCloseable {

    /** ICE and DTLS must be done this long after the offer was answered. */
    public static final long CONNECT_TIMEOUT_US = 20_000_000;
    public static final long SENDER_REPORT_INTERVAL_US = 1_000_000;
    /** RTP packets stay within this many bytes, with the SRTP tag, under common path MTUs. */
    public static final int MTU = 1200;
    static final int SRTP_OVERHEAD = 16;
    /** Packets kept per SSRC for retransmission: about a second of 8 Mb/s video. */
    public static final int HISTORY = 1024;
    /** Retransmissions one feedback packet may ask for. */
    public static final int MAX_RETRANSMIT_PER_NACK = 128;
    /** Outputs held between polls; beyond this, datagrams are dropped (the driver is not polling). */
    public static final int MAX_OUTPUTS = 8192;

    /** Where the peer is. */
    public enum State { CONNECTING, CONNECTED, CLOSED }

    private final IceLite ice;
    private final RtcIdentity identity;
    private final String remoteFingerprint;
    private final Runnable wake;
    private final long createdUs;
    private final ArrayDeque<RtcOutput> outputs = new ArrayDeque<>();
    private final List<IceLite.Output> iceOut = new ArrayList<>();
    private final OutboundTrack video;
    private final OutboundTrack audio;
    private final H264Packetizer h264;
    private final OpusPacketizer opus;
    private State state = State.CONNECTING;
    private DtlsHandshake dtls;
    private InetSocketAddress dtlsPeer;
    private SrtpSession srtp;
    private long nextReportUs;
    /** A publisher's SSRCs as received, for receiver reports; at most {@link #MAX_RECEIVED_SSRCS}. */
    private final java.util.Map<Long, ReceptionStats> reception = new java.util.LinkedHashMap<>();
    /** What the viewer's reports of the video stream's loss say its path carries. */
    private final LossBasedRate pathRate = new LossBasedRate();
    private static final int MAX_RECEIVED_SSRCS = 4;
    /** RTP clock rate by the payload types the answer agreed. */
    private final java.util.Map<Integer, Integer> clockRates = new java.util.HashMap<>();
    private byte[] videoConfig;
    private long rejected;
    private long droppedOutputs;

    /**
     * A peer for an answered offer. {@code localUfrag}/{@code localPwd} are the ICE
     * credentials in the answer; the offer's fingerprint is what the browser's DTLS
     * certificate must match.
     */
    public Rtc(SdpOffer offer, SdpAnswer answer, String localUfrag, String localPwd, RtcIdentity identity,
               long nowUs, Runnable wake) {
        this.ice = new IceLite(localUfrag, localPwd, offer.iceUfrag());
        this.identity = identity;
        this.remoteFingerprint = offer.fingerprint();
        this.wake = wake;
        this.createdUs = nowUs;
        OutboundTrack v = null;
        OutboundTrack a = null;
        H264Packetizer hp = null;
        OpusPacketizer op = null;
        java.util.Random seq = new java.util.Random();
        for (SdpAnswer.Choice c : answer.choices()) {
            clockRates.put(c.payloadType(), c.kind().equals("video") ? 90_000 : 48_000);
            if (c.kind().equals("video") && v == null) {
                v = new OutboundTrack(c.ssrc(), 90_000, HISTORY);
                // playout delay 0..0 (3 bytes of 12-bit bounds in 10 ms units): show frames as they decode
                byte[] playoutDelay = c.playoutDelayId() > 0 ? RtpHeader.oneByteExtension(c.playoutDelayId(), new byte[3]) : null;
                hp = new H264Packetizer(c.payloadType(), c.ssrc(), MTU - SRTP_OVERHEAD, seq.nextInt(0x8000), playoutDelay);
            } else if (c.kind().equals("audio") && a == null) {
                a = new OutboundTrack(c.ssrc(), 48_000, HISTORY / 4);
                op = new OpusPacketizer(c.payloadType(), c.ssrc(), seq.nextInt(0x8000));
            }
        }
        this.video = v;
        this.audio = a;
        this.h264 = hp;
        this.opus = op;
    }

    /** Whether {@code from} passed an authenticated ICE check (the server routes its datagrams here then). */
    public boolean authenticated(InetSocketAddress from) {
        return ice.validated(from);
    }

    public State state() {
        return state;
    }

    /** One datagram from {@code from}. Nothing a peer sends can throw; bad input is counted. */
    public void handleInput(long nowUs, InetSocketAddress from, byte[] datagram) {
        if (state == State.CLOSED || datagram.length == 0) {
            return;
        }
        int first = datagram[0] & 0xff;
        if (first <= 3) {
            ice.handle(ByteBuffer.wrap(datagram), from, nowUs, iceOut);
            for (IceLite.Output o : iceOut) {
                if (o instanceof IceLite.Output.Send s) {
                    transmit(s.to(), s.datagram());
                }
            }
            iceOut.clear();
        } else if (first >= 20 && first <= 63) {
            handleDtls(from, datagram);
        } else if (first >= 128 && first <= 191) {
            handleRtcp(datagram, nowUs);
        } else {
            rejected++;
        }
    }

    private void handleDtls(InetSocketAddress from, byte[] datagram) {
        if (!ice.validated(from)) {
            rejected++; // DTLS only after an authenticated check from that address
            return;
        }
        if (dtls == null) {
            try {
                dtls = new DtlsHandshake(identity.certificate(), identity.key(), remoteFingerprint, wake);
            } catch (IOException e) {
                close("DTLS setup failed: " + e.getMessage());
                return;
            }
        }
        dtlsPeer = from;
        dtls.receive(datagram);
    }

    private void handleRtcp(byte[] datagram, long nowUs) {
        int pt = datagram.length > 1 ? datagram[1] & 0xff : 0;
        if (srtp == null) {
            return; // nothing can be read before the keys
        }
        if (pt < 192 || pt > 223) {
            receiveRtp(datagram, nowUs); // RTP (RFC 5761: RTCP's types are 192-223 in the second byte)
            return;
        }
        List<Rtcp.Feedback> feedback;
        try {
            feedback = Rtcp.feedback(ByteBuffer.wrap(srtp.unprotectRtcp(datagram)));
        } catch (SrtpException | IllegalArgumentException e) {
            rejected++;
            return;
        }
        for (Rtcp.Feedback f : feedback) {
            if (f instanceof Rtcp.Feedback.Nack n) {
                retransmit(n, nowUs);
            } else if (f instanceof Rtcp.Feedback.ReceptionReport rr) {
                if (video != null && rr.mediaSsrc() == video.ssrc) {
                    pathRate.report(rr.fractionLost(), mediaOctets(), nowUs);
                }
            } else if (f instanceof Rtcp.Feedback.SenderReport sr) {
                ReceptionStats r = reception.get(sr.mediaSsrc());
                if (r != null) {
                    r.senderReport(sr.ntpTime(), nowUs);
                }
            } else if (video != null && f.mediaSsrc() == video.ssrc) {
                outputs.add(new RtcOutput.KeyframeRequest()); // PLI or FIR
            }
        }
    }

    private void receiveRtp(byte[] datagram, long nowUs) {
        try {
            byte[] rtp = srtp.unprotectRtp(datagram);
            ByteBuffer b = ByteBuffer.wrap(rtp);
            RtpHeader h = RtpHeader.read(b);
            Integer clock = clockRates.get(h.payloadType());
            if (clock != null) {
                ReceptionStats r = reception.get(h.ssrc());
                if (r == null && reception.size() < MAX_RECEIVED_SSRCS) {
                    reception.put(h.ssrc(), r = new ReceptionStats(h.ssrc(), clock));
                }
                if (r != null) {
                    r.packet(h.sequence(), h.timestamp(), nowUs);
                }
            }
            outputs.add(new RtcOutput.Rtp(rtp, h, b.position()));
        } catch (SrtpException | IllegalArgumentException e) {
            rejected++;
        }
    }

    /** Asks a publisher for a keyframe of its stream {@code mediaSsrc} (RTCP PLI, RFC 4585 6.3.1). */
    public void requestKeyframe(long mediaSsrc) {
        if (state != State.CONNECTED) {
            return;
        }
        ByteBuffer pli = ByteBuffer.allocate(12);
        pli.put((byte) 0x81).put((byte) Rtcp.PSFB).putShort((short) 2).putInt(1).putInt((int) mediaSsrc);
        protectAndSendRtcp(pli.array());
    }

    /** Asks a publisher to send {@code lost} packets of its stream {@code mediaSsrc} again (generic NACK). */
    public void sendNack(long mediaSsrc, List<Integer> lost) {
        if (state == State.CONNECTED && !lost.isEmpty()) {
            protectAndSendRtcp(Rtcp.nack(1, mediaSsrc, lost));
        }
    }

    private void retransmit(Rtcp.Feedback.Nack n, long nowUs) {
        OutboundTrack t = video != null && n.mediaSsrc() == video.ssrc ? video
                : audio != null && n.mediaSsrc() == audio.ssrc ? audio : null;
        if (t == null) {
            return;
        }
        int budget = MAX_RETRANSMIT_PER_NACK;
        for (int sequence : n.lost()) {
            byte[] packet = t.history.resend(sequence, nowUs);
            if (packet != null && budget-- > 0) {
                t.retransmitted++;
                transmit(remote(), packet); // the same SRTP packet: the viewer never got it
            }
        }
    }

    /** Time passed: timeouts, consent, sender reports. */
    public void handleTimeout(long nowUs) {
        collectHandshake();
        if (state == State.CONNECTING && nowUs - createdUs >= CONNECT_TIMEOUT_US) {
            close("ICE and DTLS did not complete within " + CONNECT_TIMEOUT_US / 1_000_000 + " s");
        } else if (state == State.CONNECTED && !ice.consentFresh(nowUs)) {
            close("consent expired: no ICE check for " + IceLite.CONSENT_TIMEOUT_US / 1_000_000 + " s");
        } else if (state == State.CONNECTED && nowUs >= nextReportUs) {
            nextReportUs = nowUs + SENDER_REPORT_INTERVAL_US;
            // what a publisher's streams lost and how they jitter, for its congestion control
            List<byte[]> blocks = reception.values().stream().filter(ReceptionStats::started)
                    .map(r -> r.reportBlock(nowUs)).toList();
            if (!blocks.isEmpty()) {
                protectAndSendRtcp(Rtcp.receiverReport(1, blocks));
            }
            for (OutboundTrack t : new OutboundTrack[] {video, audio}) {
                if (t != null && t.packets > 0) {
                    protectAndSendRtcp(Rtcp.senderReport(t.ssrc, Rtcp.ntp(nowUs), t.rtpTime(nowUs), t.packets, t.octets));
                }
            }
        }
    }

    /** When {@link #handleTimeout} wants to run next. */
    public long nextTimeoutUs() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        return state == State.CONNECTING ? createdUs + CONNECT_TIMEOUT_US : nextReportUs;
    }

    /**
     * The stream's SPS and PPS (Annex B): sent in a STAP-A ahead of any keyframe that does
     * not carry them itself, so every keyframe the viewer gets decodes on its own.
     */
    public void writeVideoConfig(ByteBuf parameterSets) {
        videoConfig = io.netty.buffer.ByteBufUtil.getBytes(parameterSets);
    }

    /**
     * One H.264 access unit (Annex B) with its capture PTS. Before the peer is connected
     * nothing is sent and 0 returned; the driver starts media on {@link RtcOutput.Connected}.
     */
    public int writeVideo(ByteBuf accessUnit, long ptsUs, boolean key) {
        if (state != State.CONNECTED || video == null) {
            return 0;
        }
        List<byte[]> packets;
        if (key && videoConfig != null && H264Config.findSps(accessUnit).isEmpty()) {
            ByteBuf withConfig = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(videoConfig), accessUnit.retainedDuplicate());
            try {
                packets = h264.packetize(withConfig, ptsUs);
            } finally {
                withConfig.release();
            }
        } else {
            packets = h264.packetize(accessUnit, ptsUs);
        }
        for (byte[] p : packets) {
            send(video, p);
        }
        return packets.size();
    }

    /** One Opus packet with its capture PTS. */
    public int writeAudio(ByteBuf opusPacket, long ptsUs) {
        if (state != State.CONNECTED || audio == null) {
            return 0;
        }
        send(audio, opus.packetize(opusPacket, ptsUs));
        return 1;
    }

    private void send(OutboundTrack t, byte[] rtp) {
        byte[] srtpPacket;
        try {
            srtpPacket = srtp.protectRtp(rtp);
        } catch (SrtpException e) {
            close("SRTP failed: " + e.getMessage());
            return;
        }
        int sequence = ((rtp[2] & 0xff) << 8) | (rtp[3] & 0xff);
        t.history.sent(sequence, srtpPacket);
        t.packets++;
        t.octets += rtp.length - 12;
        transmit(remote(), srtpPacket);
    }

    private void protectAndSendRtcp(byte[] rtcp) {
        try {
            transmit(remote(), srtp.protectRtcp(rtcp));
        } catch (SrtpException e) {
            close("SRTCP failed: " + e.getMessage());
        }
    }

    /** The next output, or null when there is nothing to do until input, media or the next timeout. */
    public RtcOutput poll() {
        collectHandshake();
        return outputs.poll();
    }

    /** Datagrams the handshake thread produced, and its result once settled. */
    private void collectHandshake() {
        if (dtls == null || state == State.CLOSED) {
            return;
        }
        for (byte[] d = dtls.poll(); d != null; d = dtls.poll()) {
            transmit(dtlsPeer, d);
        }
        if (state == State.CONNECTING && dtls.keys().isDone()) {
            try {
                SrtpKeys keys = dtls.keys().get();
                srtp = SrtpSession.server(keys);
                state = State.CONNECTED;
                outputs.add(new RtcOutput.Connected());
            } catch (ExecutionException e) {
                close("DTLS handshake failed: " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private InetSocketAddress remote() {
        return ice.nominated().orElse(dtlsPeer);
    }

    private void transmit(InetSocketAddress to, byte[] datagram) {
        if (to == null) {
            return;
        }
        if (outputs.size() >= MAX_OUTPUTS) {
            droppedOutputs++;
            return;
        }
        outputs.add(new RtcOutput.Transmit(to, datagram));
    }

    /** Ends the peer; the driver sees {@link RtcOutput.Closed} with the reason. */
    public void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        outputs.add(new RtcOutput.Closed(reason));
        if (dtls != null) {
            dtls.close();
        }
        if (srtp != null) {
            srtp.close();
        }
    }

    @Override
    public void close() {
        close("closed");
    }

    /** RTP payload bytes sent on both tracks, resends left out: what the stream itself costs. */
    private long mediaOctets() {
        return (video != null ? video.octets : 0) + (audio != null ? audio.octets : 0);
    }

    /**
     * What the viewer's path carries, bits per second, from the loss its receiver reports
     * show ({@link LossBasedRate}); -1 before two reports.
     */
    public long pathBitsPerSecond() {
        return pathRate.estimate();
    }

    /** Counters for logs and stats. */
    public record Stats(long videoPackets, long audioPackets, long retransmitted, long rejected, long droppedOutputs) {
    }

    public Stats stats() {
        return new Stats(video == null ? 0 : video.packets, audio == null ? 0 : audio.packets,
                (video == null ? 0 : video.retransmitted) + (audio == null ? 0 : audio.retransmitted), rejected + ice.rejected(),
                droppedOutputs);
    }
}
