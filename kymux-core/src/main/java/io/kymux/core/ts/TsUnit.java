package io.kymux.core.ts;

import io.netty.buffer.ByteBuf;

/**
 * A run of whole TS packets of one kind, cut from a feed by {@link TsGrouper}.
 *
 * @param kind      what the packets are, and so whether a viewer may drop them
 * @param group     the access unit the packets belong to (media only): it starts at the
 *                  video PID's payload_unit_start_indicator and runs to the next one, with
 *                  the other PIDs' packets between
 * @param start     this run begins its group
 * @param key       the group is a random-access point (random_access_indicator, or an
 *                  IDR / sequence header in its first payload)
 * @param ingestUs  when the group's first packet arrived, on the server's clock
 * @param replay    sent to a viewer that joined late, from the feed's cache: no deadline
 * @param packets   the bytes; whoever holds the unit owns this reference
 */
public record TsUnit(Kind kind, long group, boolean start, boolean key, long ingestUs, boolean replay, ByteBuf packets) {

    public enum Kind {
        /** PAT and PMT: a player needs them, so they are never dropped. */
        TABLES,
        /** Part of an access unit of the program's video. */
        MEDIA,
        /** Before the program map is known nothing can be grouped: passed on as it is. */
        UNGROUPED
    }

    /** The same unit with a reference of its own. */
    public TsUnit retainedDuplicate() {
        return new TsUnit(kind, group, start, key, ingestUs, replay, packets.retainedDuplicate());
    }

    /** A reference of its own, marked as replay. */
    TsUnit asReplay() {
        return new TsUnit(kind, group, start, key, ingestUs, true, packets.retainedDuplicate());
    }

    public int bytes() {
        return packets.readableBytes();
    }
}
