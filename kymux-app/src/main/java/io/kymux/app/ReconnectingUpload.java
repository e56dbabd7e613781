package io.kymux.app;

import io.kymux.core.loop.Backoff;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A capture's upload that outlives its connection. When the server goes away the capture
 * keeps running (its packets are dropped), a background thread connects again with backoff
 * and jitter, sends the stream header and the last config packet, and asks the encoder for
 * a keyframe; video resumes from that keyframe. One line is said per change of state.
 * Refusals that retrying cannot fix ({@link UploadRefused}) end the capture instead.
 */
final class ReconnectingUpload implements PacketSink {

    /** Short ceiling: a viewer sees the picture again within about 1.5 s of the server coming back. */
    static final Backoff BACKOFF = new Backoff(250, 1500);

    private final Supplier<StreamingUpload> connector;
    private final String where;
    private final boolean reconnect;
    private final Consumer<String> say;
    private final Runnable requestKeyframe;
    private volatile java.util.function.LongConsumer requestBitrate = b -> { };
    private final Object lock = new Object();
    private volatile StreamingUpload upload;
    private volatile boolean awaitingKey;
    private volatile boolean closed;
    private volatile UploadRefused refused;
    private StreamHeader header; // guarded by lock
    private MediaPacket config; // our own copy, guarded by lock
    private Thread reconnector; // guarded by lock

    /**
     * Connects once now, so a wrong address or pin is told before the capture starts.
     * {@code reconnect} false: any loss ends the capture with its reason.
     */
    ReconnectingUpload(Supplier<StreamingUpload> connector, String where, boolean reconnect,
                       Runnable requestKeyframe, Consumer<String> say) {
        this.connector = connector;
        this.where = where;
        this.reconnect = reconnect;
        this.requestKeyframe = requestKeyframe;
        this.say = say;
        try {
            upload = attach(connector.get());
        } catch (UploadRefused e) {
            throw e;
        } catch (IllegalStateException e) {
            if (!reconnect) {
                throw e;
            }
            say.accept(e.getMessage() + "; trying again");
            startReconnecting();
        }
    }

    /** Whether packets currently reach the server. */
    boolean connected() {
        return upload != null;
    }

    @Override
    public void open(StreamHeader h) {
        synchronized (lock) {
            header = h;
        }
        StreamingUpload u = upload;
        if (u != null) {
            guarded(u, () -> u.open(h));
        }
    }

    @Override
    public void accept(MediaPacket p) {
        failIfRefused();
        if (p.config()) {
            synchronized (lock) {
                if (config != null) {
                    config.release();
                }
                config = new MediaPacket(p.ptsUs(), true, false, p.payload().copy());
            }
        }
        StreamingUpload u = upload;
        if (u == null || (awaitingKey && !p.key() && !p.config())) {
            p.release();
            return;
        }
        if (p.key()) {
            awaitingKey = false;
        }
        guarded(u, () -> u.accept(p));
    }

    /** Sends on {@code u}; a lost connection starts the reconnect instead of ending the capture. */
    private void guarded(StreamingUpload u, Runnable send) {
        try {
            send.run();
        } catch (UploadRefused e) {
            upload = null;
            u.close();
            throw e;
        } catch (IllegalStateException e) {
            if (!reconnect || closed) {
                throw e;
            }
            upload = null;
            u.close();
            say.accept("lost " + where + " (" + e.getMessage() + "); reconnecting");
            startReconnecting();
        }
    }

    private void failIfRefused() {
        UploadRefused r = refused;
        if (r != null) {
            throw r;
        }
    }

    private StreamingUpload attach(StreamingUpload u) {
        u.onKeyframeRequest(requestKeyframe);
        u.onBitrateRequest(b -> requestBitrate.accept(b)); // set later, once the capture exists
        return u;
    }

    /** What to do when the server asks for another bitrate, on this connection and the next ones. */
    ReconnectingUpload onBitrateRequest(java.util.function.LongConsumer c) {
        requestBitrate = c;
        return this;
    }

    private void startReconnecting() {
        synchronized (lock) {
            if (reconnector != null && reconnector.isAlive()) {
                return;
            }
            reconnector = new Thread(this::reconnectLoop, "kymux-capture-reconnect");
            reconnector.setDaemon(true);
            reconnector.start();
        }
    }

    private void reconnectLoop() {
        int failures = 0;
        String lastError = null;
        while (!closed) {
            failures++;
            try {
                Thread.sleep(BACKOFF.delayMs(failures, ThreadLocalRandom.current().nextDouble()));
            } catch (InterruptedException e) {
                return;
            }
            StreamingUpload u;
            try {
                u = attach(connector.get());
            } catch (UploadRefused e) {
                say.accept(e.getMessage());
                refused = e;
                return;
            } catch (IllegalStateException e) {
                if (!e.getMessage().equals(lastError)) {
                    say.accept(e.getMessage() + "; still trying");
                    lastError = e.getMessage();
                }
                continue;
            }
            if (resume(u)) {
                say.accept("connected to " + where + " again");
                return;
            }
        }
    }

    /** Replays header and config on a fresh connection, then lets packets through from the next keyframe. */
    private boolean resume(StreamingUpload u) {
        try {
            synchronized (lock) {
                if (header != null) {
                    u.open(header);
                }
                if (config != null) {
                    u.accept(new MediaPacket(config.ptsUs(), true, false, config.payload().retainedDuplicate()));
                }
            }
        } catch (IllegalStateException e) {
            u.close();
            return false;
        }
        awaitingKey = true;
        upload = u;
        requestKeyframe.run();
        return true;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (lock) {
            t = reconnector;
            if (config != null) {
                config.release();
                config = null;
            }
        }
        if (t != null) {
            t.interrupt();
        }
        StreamingUpload u = upload;
        upload = null;
        if (u != null) {
            u.close();
        }
    }
}
