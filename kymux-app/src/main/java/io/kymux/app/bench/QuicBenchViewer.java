package io.kymux.app.bench;

import io.kymux.client.ClientListener;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.quic.ClientMedia;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/** One kymux/1 (QUIC) viewer of the bench; frame numbers missing at the receiver count as gaps. */
final class QuicBenchViewer extends BenchClient implements ClientListener {

    private final KymuxQuicClient client;
    private volatile ClientMedia.Stats last;

    QuicBenchViewer(Recorder latencyUs, AtomicLong recordFromUs, EventLoopGroup group) {
        super(latencyUs, recordFromUs);
        this.client = new KymuxQuicClient(this, SyntheticStream::nowUs, group);
    }

    void connect(URI url, String fingerprint) throws Exception {
        client.connect(url, fingerprint, "", 0, 10_000);
    }

    @Override
    public void track(ControlMessage.Track t) {
    }

    @Override
    public void config(ControlMessage.Config c) {
    }

    @Override
    public void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
        received(ptsUs, payload.readableBytes(), false);
        payload.release();
    }

    @Override
    boolean slow() {
        return false;
    }

    @Override
    long gaps() {
        ClientMedia.Stats s = last != null ? last : client.isActive() ? client.stats() : null;
        return s == null ? 0 : s.lost() + s.skipped();
    }

    @Override
    void close() {
        if (client.isActive()) {
            last = client.stats();
        }
        client.close();
    }
}
