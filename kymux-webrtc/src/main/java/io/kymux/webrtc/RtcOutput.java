package io.kymux.webrtc;

import java.net.InetSocketAddress;

/** What a {@link Rtc} peer asks of its driver, in order. */
public sealed interface RtcOutput {

    /** Send this datagram to that address. */
    record Transmit(InetSocketAddress to, byte[] datagram) implements RtcOutput {
    }

    /** ICE and DTLS are done and SRTP keys are set: media may be written from now on. */
    record Connected() implements RtcOutput {
    }

    /**
     * An RTP packet the peer sent (a publisher's media), decrypted, with its header as read
     * (once, for the receiver reports) and where its payload starts.
     */
    record Rtp(byte[] packet, io.kymux.webrtc.rtp.RtpHeader header, int payloadOffset) implements RtcOutput {
    }

    /** The viewer lost a picture (PLI) or asked for a full intra frame (FIR). */
    record KeyframeRequest() implements RtcOutput {
    }

    /** The peer is finished; the reason says why (timeout, consent expired, DTLS failure, closed). */
    record Closed(String reason) implements RtcOutput {
    }
}
