package io.kymux.client;

import io.kymux.core.quic.ControlMessage;

/** What a kymux/1 client hands its user, on the connection's event loop (must not block). */
public interface ClientListener {

    /** The server accepted the hello. */
    default void welcome(ControlMessage.Welcome w) {
    }

    /** A track's description, before its first config and frame (again when it changes). */
    void track(ControlMessage.Track t);

    /** A config packet (SPS/PPS, OpusHead) of a track. */
    void config(ControlMessage.Config c);

    /** A decodable frame, in order; the listener owns {@code payload}. */
    void frame(int track, long ptsUs, boolean key, io.netty.buffer.ByteBuf payload);

    /** A track was muted, ended or is live again. */
    default void trackState(ControlMessage.TrackState s) {
    }

    /** The server refused something (the connection may stay up, e.g. input refused). */
    default void error(ControlMessage.Error e) {
    }

    /** The connection is gone. */
    default void closed(String why) {
    }
}
