package io.kymux.client;

import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An output for players that come and go ({@code --out tcp://…}): one player at a time,
 * and when it leaves, the next one that connects (VLC reopened) gets the stream from its
 * next keyframe, as users of {@code ffmpeg -listen 1} expect. Each player's output is
 * made by {@code nextPlayer} (it may block until a player connects) and is first told the
 * stream's tracks and configs again.
 */
public final class NextPlayerOutput implements ClientOutput {

    private final Supplier<ClientOutput> nextPlayer;
    private final Consumer<String> say;
    private final Map<Integer, ControlMessage.Track> tracks = new TreeMap<>();
    private final Map<Integer, ControlMessage.Config> configs = new TreeMap<>();
    private int announced = ControlMessage.Welcome.UNKNOWN_TRACKS;
    private ClientOutput current;
    private long players;

    public NextPlayerOutput(Supplier<ClientOutput> nextPlayer, Consumer<String> say) {
        this.nextPlayer = nextPlayer;
        this.say = say;
    }

    @Override
    public void announced(int trackCount) {
        announced = trackCount;
        if (current != null) {
            guarded(() -> current.announced(trackCount));
        }
    }

    @Override
    public void track(ControlMessage.Track t) {
        tracks.put(t.track(), t);
        if (current != null) {
            guarded(() -> current.track(t));
        }
    }

    @Override
    public void config(ControlMessage.Config c) {
        configs.put(c.track(), c);
        if (current != null) {
            guarded(() -> current.config(c));
        }
    }

    @Override
    public void frame(int track, long ptsUs, boolean key, ByteBuf payload) {
        if (current == null) {
            current = nextPlayer.get();
            players++;
            current.announced(announced);
            tracks.values().forEach(current::track);
            configs.values().forEach(current::config);
        }
        guarded(() -> current.frame(track, ptsUs, key, payload));
    }

    /** How many players have been served (the current one included). */
    public long players() {
        return players;
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            if (!ReaderGone.test(e)) {
                throw e;
            }
            say.accept("the player left; waiting for the next");
            closeQuietly();
        }
    }

    private void closeQuietly() {
        ClientOutput gone = current;
        current = null;
        try {
            gone.close();
        } catch (RuntimeException e) {
            // its reader is gone: the trailer has nowhere to go
        }
    }

    @Override
    public void close() {
        if (current != null) {
            closeQuietly();
        }
    }
}
