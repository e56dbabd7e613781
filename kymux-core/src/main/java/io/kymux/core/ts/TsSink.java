package io.kymux.core.ts;

/**
 * Receives an MPEG-TS feed's bytes: runs of whole 188-byte packets, in order, as
 * {@link TsUnit}s. Called on the producer's thread under the feed's lock (or the
 * subscriber's, for the replay): must not block or call back into the feed.
 */
public interface TsSink {

    /** Whole TS packets; the sink owns the unit's reference and must release it. */
    void onTs(TsFeed feed, TsUnit unit);
}
