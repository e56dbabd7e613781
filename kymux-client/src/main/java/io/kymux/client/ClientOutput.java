package io.kymux.client;

import io.kymux.core.quic.ControlMessage;
import io.netty.buffer.ByteBuf;

/**
 * Where received media goes: a packet stream or a container. Called from one writer
 * thread, never from the network loop, so it may block on its output.
 */
public interface ClientOutput extends AutoCloseable {

    /** How many tracks the stream has (WELCOME), or {@link ControlMessage.Welcome#UNKNOWN_TRACKS}. */
    default void announced(int trackCount) {
    }

    void track(ControlMessage.Track t);

    void config(ControlMessage.Config c);

    /** Takes ownership of {@code payload}. */
    void frame(int track, long ptsUs, boolean key, ByteBuf payload);

    @Override
    void close();
}
