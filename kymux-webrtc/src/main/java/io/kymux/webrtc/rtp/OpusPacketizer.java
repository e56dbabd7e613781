package io.kymux.webrtc.rtp;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Opus over RTP (RFC 7587): one Opus packet per RTP packet, 48 kHz timestamps from the
 * capture PTS in µs, so the RTP clock is the capture clock (what lets a viewer measure
 * glass-to-glass latency from the timestamps).
 */
public final class OpusPacketizer {

    private final int payloadType;
    private final long ssrc;
    private int sequence;

    public OpusPacketizer(int payloadType, long ssrc, int firstSequence) {
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.sequence = firstSequence & 0xffff;
    }

    public static long timestamp48k(long ptsUs) {
        return (ptsUs * 48 / 1000) & 0xffffffffL;
    }

    /** The RTP packet of one Opus packet (the buffer is read, not released). */
    public byte[] packetize(ByteBuf opus, long ptsUs) {
        ByteBuffer b = ByteBuffer.allocate(RtpHeader.SIZE + opus.readableBytes());
        new RtpHeader(false, payloadType, sequence, timestamp48k(ptsUs), ssrc).write(b);
        sequence = (sequence + 1) & 0xffff;
        opus.getBytes(opus.readerIndex(), b.array(), RtpHeader.SIZE, opus.readableBytes());
        return b.array();
    }
}
