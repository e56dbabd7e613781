package io.kymux.server.destination;

import io.kymux.core.loop.Backoff;
import io.kymux.core.ts.TsFeed;
import io.kymux.core.ts.TsSink;
import io.kymux.core.ts.TsUnit;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes a stream's MPEG-TS feeds, interleaved as they arrive, to one remote WebSocket
 * as raw TS bytes (what timdrysdale/crossbar and vw expect). Runs of packets hop to the
 * link's event loop; while the connection is absent or over its watermark they are
 * dropped whole and counted, and at most {@link #MAX_PENDING_BYTES} wait for the loop.
 */
final class TsLink extends OutgoingLink implements TsSink {

    static final int MAX_PENDING_BYTES = 1 << 20;

    private final Set<TsFeed> feeds = ConcurrentHashMap.newKeySet();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong runsSent = new AtomicLong();
    private final AtomicLong runsDropped = new AtomicLong();

    TsLink(EventLoop loop, String label, URI url, Backoff backoff) {
        super(loop, label, url, backoff);
    }

    /** Follows the stream's TS feeds. */
    synchronized void follow(List<TsFeed> wanted) {
        for (TsFeed f : feeds) {
            if (!wanted.contains(f)) {
                f.unsubscribe(this);
                feeds.remove(f);
            }
        }
        for (TsFeed f : wanted) {
            if (feeds.add(f)) {
                f.subscribe(this);
            }
        }
    }

    @Override
    public void onTs(TsFeed feed, TsUnit unit) {
        ByteBuf packets = unit.packets();
        int size = packets.readableBytes();
        if (pendingBytes.addAndGet(size) > MAX_PENDING_BYTES) {
            pendingBytes.addAndGet(-size);
            runsDropped.incrementAndGet();
            packets.release();
            return;
        }
        loop.execute(() -> send(packets, size));
    }

    private void send(ByteBuf packets, int size) {
        pendingBytes.addAndGet(-size);
        Channel ch = active();
        if (ch != null && ch.isWritable()) {
            runsSent.incrementAndGet();
            countSent(packets.readableBytes());
            ch.writeAndFlush(new BinaryWebSocketFrame(packets), ch.voidPromise());
            return;
        }
        runsDropped.incrementAndGet();
        packets.release();
        if (ch == null && !isClosed()) {
            want();
        }
    }

    @Override
    protected void onConnected(Channel ch) {
        // TS carries its own tables: the remote's players resync on the next PAT/PMT
    }

    @Override
    protected void drain() {
        // nothing waits here: runs are sent or dropped as they arrive
    }

    @Override
    protected synchronized void onClosed() {
        feeds.forEach(f -> f.unsubscribe(this));
        feeds.clear();
    }

    long runsSent() {
        return runsSent.get();
    }

    long runsDropped() {
        return runsDropped.get();
    }
}
