package io.kymux.core.media;

import io.netty.buffer.ByteBuf;

/**
 * A packet as the router sees it: the feed's sequence number, capture PTS (µs, Unix
 * epoch), flags, the instant kymux received it (µs, same clock) and the payload.
 *
 * <p>The payload is read once from the producer and shared: every holder gets its own
 * {@link #retainedDuplicate()} (new indices, same bytes) and releases it when done.
 */
public record Frame(long seq, long ptsUs, boolean config, boolean key, long receivedUs, ByteBuf payload) {

    public int size() {
        return payload.readableBytes();
    }

    public Frame retainedDuplicate() {
        return new Frame(seq, ptsUs, config, key, receivedUs, payload.retainedDuplicate());
    }

    public void release() {
        payload.release();
    }
}
