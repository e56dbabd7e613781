package io.kymux.server.ts;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.ts.PesPacketizer;
import io.kymux.core.ts.TsDemuxer;
import io.kymux.server.Kymux;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TS ingest's H.264 video as a packet feed of the same name, so {@code /watch}, WHEP and
 * {@code kymux client} can play what jsmpeg-style viewers get as raw TS: the TS bytes are
 * demuxed beside the relay (which stays byte-identical), and the first H.264 stream the
 * PMT lists is published, from its first IDR. The feed's producer slot is claimed then; if
 * another producer holds it the TS relay goes on alone. Used on the ingest's event loop.
 */
final class TsToPacketFeed {

    private static final Logger log = LoggerFactory.getLogger(TsToPacketFeed.class);

    private final Kymux kymux;
    private final String name;
    private final TsDemuxer demuxer;
    private final PesPacketizer packetizer = new PesPacketizer();
    private final List<TsDemuxer.Pes> pes = new ArrayList<>();
    private final List<PacketStreamEvent> events = new ArrayList<>();
    private int videoPid = -1;
    private Feed feed;
    private boolean refused;

    TsToPacketFeed(Kymux kymux, String name, ByteBufAllocator alloc) {
        this.kymux = kymux;
        this.name = name;
        this.demuxer = new TsDemuxer(alloc, kymux.config().maxPacketSize());
    }

    /** Demuxes a run of whole packets (read, not released) and publishes what it completes. */
    void accept(ByteBuf run, long nowUs) {
        demuxer.accept(run, pes);
        for (TsDemuxer.Pes p : pes) {
            if (wanted(p)) {
                packetizer.accept(p, nowUs, events);
            } else {
                p.payload().release();
            }
        }
        pes.clear();
        for (PacketStreamEvent ev : events) {
            if (ev instanceof StreamHeader h) {
                open(h);
            } else if (ev instanceof MediaPacket m) {
                if (feed != null) {
                    kymux.metrics().frameIn();
                    feed.publish(m, nowUs);
                } else {
                    m.release();
                }
            }
        }
        events.clear();
    }

    private boolean wanted(TsDemuxer.Pes p) {
        if (refused || !PesPacketizer.carries(p.streamType())) {
            return false;
        }
        if (videoPid < 0) {
            videoPid = p.pid();
        }
        return p.pid() == videoPid;
    }

    private void open(StreamHeader h) {
        Optional<Feed> f = kymux.feeds().getOrCreate(name);
        if (f.isEmpty() || !kymux.claimProducer(name)) {
            refused = true;
            log.info("TS ingest {}: its H.264 is relayed as TS only: {}", name,
                    f.isEmpty() ? "too many feeds" : "the packet feed " + name + " has another producer");
            return;
        }
        feed = f.get();
        feed.open(h);
        feed.setKeyframeRequester(null); // a TS producer cannot be asked
        log.info("TS ingest {}: H.264 {}x{} on PID {} is the packet feed {} too", name, h.width(), h.height(), videoPid,
                name);
    }

    /** The codec of what this ingest publishes as a packet feed, for the index page; empty if nothing. */
    boolean publishing() {
        return feed != null;
    }

    void close() {
        demuxer.close();
        if (feed != null) {
            feed.close();
            kymux.releaseProducer(name);
            feed = null;
        }
        if (demuxer.dropped() > 0) {
            log.info("TS ingest {}: {} PES packets dropped (continuity gaps, oversize or malformed)", name,
                    demuxer.dropped());
        }
    }
}
