package io.kymux.core.quic;

import io.kymux.core.media.TrackInfo;

/** Messages of the kymux/1 control stream (docs/protocol/kymux-quic.md). */
public sealed interface ControlMessage {

    /** The TLS application protocol of a kymux/1 connection. */
    String ALPN = "kymux/1";

    byte HELLO = 0x01;
    byte WELCOME = 0x02;
    byte TRACK = 0x03;
    byte CONFIG = 0x04;
    byte KEYFRAME_REQUEST = 0x05;
    byte STATS = 0x06;
    byte TRACK_STATE = 0x07;
    byte ERROR = 0x08;

    /** Client → server, first: what to watch, the token, the FEC group wanted (0: none). */
    record Hello(int version, String stream, String token, int fecGroup) implements ControlMessage {
    }

    /**
     * Server → client: the session id, whether this session may send input, and how many
     * tracks the stream has (a muxing client waits for each one's TRACK and CONFIG;
     * {@link #UNKNOWN_TRACKS} from a server that does not say).
     */
    record Welcome(long sessionId, boolean control, int maxDatagram, int tracks) implements ControlMessage {
        public static final int UNKNOWN_TRACKS = -1;
    }

    /** Server → client: a track's description (again when it changes). */
    record Track(int track, String feed, TrackInfo info) implements ControlMessage {
    }

    /** Server → client: a track's config packet (SPS/PPS, OpusHead), reliably. */
    record Config(int track, long ptsUs, byte[] payload) implements ControlMessage {
    }

    /** Client → server: the decoder of this track needs a keyframe. */
    record KeyframeRequest(int track) implements ControlMessage {
    }

    /** Client → server, about once a second: cumulative counters and current figures. */
    record Stats(long rttUs, long framesDelivered, long framesLost, long framesSkipped, long framesRecovered,
                 long jitterUs, long keyframeRequests, long latencyUs) implements ControlMessage {
    }

    /** Server → client: a track was muted, ended, or is live again. */
    record TrackState(int track, int state) implements ControlMessage {
        public static final int LIVE = 0;
        public static final int MUTED = 1;
        public static final int ENDED = 2;
    }

    /** Server → client: something the client asked for was refused (e.g. input on a view-only session). */
    record Error(int code, String message) implements ControlMessage {
        public static final int NO_SUCH_STREAM = 404;
        public static final int FORBIDDEN = 403;
        public static final int BAD_MESSAGE = 400;
    }
}
