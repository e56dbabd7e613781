package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;

/**
 * Receives an MPEG-TS feed's bytes: runs of whole 188-byte packets, in order. Called on
 * the producer's thread under the feed's lock: must not block or call back into the feed.
 */
public interface TsSink {

    /** Whole TS packets; the sink owns this reference and must release it. */
    void onTs(TsFeed feed, ByteBuf packets);
}
