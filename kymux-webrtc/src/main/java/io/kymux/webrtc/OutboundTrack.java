package io.kymux.webrtc;

import io.kymux.webrtc.rtp.RetransmitHistory;

/** One SSRC we send: its counters for sender reports and its history for NACKs. */
final class OutboundTrack {

    final long ssrc;
    final int clockRate;
    final RetransmitHistory history;
    long packets;
    long octets;
    long retransmitted;

    OutboundTrack(long ssrc, int clockRate, int history) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.history = new RetransmitHistory(history);
    }

    /** The RTP clock at a capture-clock instant: RTP timestamps are the capture PTS scaled. */
    long rtpTime(long us) {
        return (us * clockRate / 1_000_000) & 0xffffffffL;
    }
}
