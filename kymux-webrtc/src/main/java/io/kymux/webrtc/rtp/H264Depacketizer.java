package io.kymux.webrtc.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * H.264 from RTP, packetization-mode 1 (RFC 6184): single NAL units, STAP-A and FU-A put
 * back into access units in Annex B, one per RTP timestamp, whole at the marker bit (or
 * when the timestamp moves on, if the marker was lost). A sequence gap breaks the access
 * unit it falls in; from then on access units are dropped until a whole one holds an IDR,
 * and {@link #wantsKeyframe} says so, for the caller's PLI. Bounded: an access unit over
 * {@code maxBytes} is dropped as a broken one. Sans-I/O; not thread-safe.
 */
public final class H264Depacketizer {

    /** A whole access unit; the caller owns {@code annexB}. */
    public record AccessUnit(long rtpTimestamp, boolean key, ByteBuf annexB) {
    }

    private static final byte[] START = {0, 0, 0, 1};

    private final int maxBytes;
    private ByteBuf au;
    private long auTimestamp = -1;
    private boolean auKey;
    private boolean auBroken;
    private boolean inFragment;
    private int lastSequence = -1;
    /** Since a loss, until a whole access unit with an IDR. */
    private boolean waitingForKey = true;
    private long dropped;

    public H264Depacketizer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** One RTP packet's header and payload (padding removed); adds the access units it completed to {@code out}. */
    public void accept(RtpHeader h, ByteBuffer payload, java.util.List<AccessUnit> out) {
        if (lastSequence >= 0 && h.sequence() != (lastSequence + 1 & 0xffff)) {
            auBroken = true; // a packet of this or the last access unit is missing
            inFragment = false;
        }
        lastSequence = h.sequence();
        if (!payload.hasRemaining()) {
            return; // padding only (bandwidth probes): it counts for the sequence alone
        }
        if (au != null && h.timestamp() != auTimestamp) {
            finish(out); // its marker was lost: the next timestamp ends it
        }
        if (au == null) {
            au = Unpooled.buffer();
            auTimestamp = h.timestamp();
            auKey = false;
        }
        add(payload);
        if (au.readableBytes() > maxBytes) {
            auBroken = true;
            au.clear();
        }
        if (h.marker()) {
            finish(out);
        }
    }

    private void add(ByteBuffer p) {
        int header = p.get(p.position()) & 0xff;
        int type = header & 0x1f;
        if (type >= 1 && type <= 23) {
            nal(p, p.position(), p.remaining());
        } else if (type == H264Packetizer.STAP_A) {
            int at = p.position() + 1;
            while (at + 2 <= p.limit()) {
                int size = (p.get(at) & 0xff) << 8 | p.get(at + 1) & 0xff;
                at += 2;
                if (size == 0 || at + size > p.limit()) {
                    auBroken = true;
                    return;
                }
                nal(p, at, size);
                at += size;
            }
        } else if (type == H264Packetizer.FU_A && p.remaining() >= 2) {
            int fu = p.get(p.position() + 1) & 0xff;
            boolean start = (fu & 0x80) != 0;
            boolean end = (fu & 0x40) != 0;
            if (start) {
                au.writeBytes(START).writeByte(header & 0xe0 | fu & 0x1f);
                auKey |= (fu & 0x1f) == 5;
                inFragment = true;
            } else if (!inFragment) {
                auBroken = true; // the fragment's start was lost
                return;
            }
            au.writeBytes(p.duplicate().position(p.position() + 2));
            if (end) {
                inFragment = false;
            }
        } else {
            auBroken = true; // STAP-B, MTAP, FU-B: not in mode 1
        }
    }

    private void nal(ByteBuffer p, int at, int size) {
        auKey |= (p.get(at) & 0x1f) == 5;
        au.writeBytes(START).writeBytes(p.duplicate().position(at).limit(at + size));
    }

    private void finish(java.util.List<AccessUnit> out) {
        ByteBuf b = au;
        boolean broken = auBroken || inFragment || !b.isReadable();
        au = null;
        auBroken = false;
        inFragment = false;
        if (broken || (waitingForKey && !auKey)) {
            dropped++;
            waitingForKey |= broken;
            b.release();
            return;
        }
        waitingForKey = false;
        out.add(new AccessUnit(auTimestamp, auKey, b));
    }

    /** Whether a loss left nothing decodable until a keyframe: time for a PLI. */
    public boolean wantsKeyframe() {
        return waitingForKey;
    }

    public long dropped() {
        return dropped;
    }

    /** Releases what is being put together. */
    public void close() {
        if (au != null) {
            au.release();
            au = null;
        }
    }
}
