package io.kymux.app.bench;

import io.kymux.client.ClientListener;
import io.kymux.client.KymuxQuicClient;
import io.kymux.core.quic.ClientMedia;
import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import org.HdrHistogram.Recorder;

/** One kymux/1 (QUIC) viewer of the bench; frame numbers missing at the receiver count as gaps. */
final class QuicBenchViewer implements BenchClient, ClientListener {

    private final Recorder latencyUs;
    private final long recordFromUs;
    private final KymuxQuicClient client;
    private volatile long frames;
    private volatile long bytes;
    private volatile ClientMedia.Stats last;

    QuicBenchViewer(Recorder latencyUs, long recordFromUs, EventLoopGroup group) {
        this.latencyUs = latencyUs;
        this.recordFromUs = recordFromUs;
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
        if (ptsUs >= recordFromUs) {
            latencyUs.recordValue(Math.max(0, SyntheticStream.nowUs() - ptsUs));
        }
        frames++;
        bytes += payload.readableBytes();
        payload.release();
    }

    @Override
    public boolean slow() {
        return false;
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public long gaps() {
        ClientMedia.Stats s = last != null ? last : client.isActive() ? client.stats() : null;
        return s == null ? 0 : s.lost() + s.skipped();
    }

    @Override
    public void close() {
        if (client.isActive()) {
            last = client.stats();
        }
        client.close();
    }
}
