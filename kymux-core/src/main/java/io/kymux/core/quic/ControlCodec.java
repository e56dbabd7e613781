package io.kymux.core.quic;

import io.kymux.core.media.MediaKind;
import io.kymux.core.media.TrackInfo;
import io.kymux.core.packet.CodecId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames control messages as {@code type u8, length u32, body}; sans-I/O. The decoder
 * takes stream bytes in pieces of any size and emits whole messages. Malformed input
 * (unknown type, body over {@link #MAX_BODY}, a body that does not parse) throws
 * {@link IllegalArgumentException}: the caller closes that connection.
 */
public final class ControlCodec {

    public static final int MAX_BODY = 1 << 20;
    private static final int HEAD = 5;

    private ByteBuf pending;
    private final ByteBufAllocator alloc;

    public ControlCodec(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    public static ByteBuf encode(ControlMessage m, ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer();
        b.writeByte(0).writeInt(0);
        byte type;
        if (m instanceof ControlMessage.Hello h) {
            type = ControlMessage.HELLO;
            b.writeByte(h.version());
            string16(b, h.stream());
            string16(b, h.token());
            b.writeByte(h.fecGroup());
        } else if (m instanceof ControlMessage.Welcome w) {
            type = ControlMessage.WELCOME;
            b.writeLong(w.sessionId()).writeByte(w.control() ? 1 : 0).writeShort(w.maxDatagram())
                    .writeByte(w.tracks());
        } else if (m instanceof ControlMessage.Track t) {
            type = ControlMessage.TRACK;
            TrackInfo i = t.info();
            b.writeByte(t.track()).writeInt(i.codec().id()).writeShort(i.width()).writeShort(i.height())
                    .writeInt(i.sampleRate()).writeByte(i.channels());
            string16(b, i.codecString());
            string16(b, t.feed());
        } else if (m instanceof ControlMessage.Config c) {
            type = ControlMessage.CONFIG;
            b.writeByte(c.track()).writeLong(c.ptsUs()).writeBytes(c.payload());
        } else if (m instanceof ControlMessage.KeyframeRequest k) {
            type = ControlMessage.KEYFRAME_REQUEST;
            b.writeByte(k.track());
        } else if (m instanceof ControlMessage.Stats s) {
            type = ControlMessage.STATS;
            b.writeLong(s.rttUs()).writeLong(s.framesDelivered()).writeLong(s.framesLost()).writeLong(s.framesSkipped())
                    .writeLong(s.framesRecovered()).writeLong(s.jitterUs()).writeLong(s.keyframeRequests())
                    .writeLong(s.latencyUs());
        } else if (m instanceof ControlMessage.TrackState s) {
            type = ControlMessage.TRACK_STATE;
            b.writeByte(s.track()).writeByte(s.state());
        } else {
            ControlMessage.Error e = (ControlMessage.Error) m;
            type = ControlMessage.ERROR;
            b.writeShort(e.code());
            b.writeBytes(e.message().getBytes(StandardCharsets.UTF_8));
        }
        b.setByte(0, type);
        b.setInt(1, b.readableBytes() - HEAD);
        return b;
    }

    /** Reads what {@code in} holds (not released) and adds every complete message to {@code out}. */
    public void decode(ByteBuf in, List<ControlMessage> out) {
        if (pending == null) {
            pending = alloc.buffer(Math.max(256, in.readableBytes()));
        }
        pending.writeBytes(in);
        while (pending.readableBytes() >= HEAD) {
            int type = pending.getUnsignedByte(pending.readerIndex());
            long len = pending.getUnsignedInt(pending.readerIndex() + 1);
            if (type < ControlMessage.HELLO || type > ControlMessage.ERROR) {
                throw new IllegalArgumentException("unknown control message type " + type);
            }
            if (len > MAX_BODY) {
                throw new IllegalArgumentException("control message of " + len + " bytes (limit " + MAX_BODY + ")");
            }
            if (pending.readableBytes() < HEAD + len) {
                break;
            }
            pending.skipBytes(HEAD);
            ByteBuf body = pending.readSlice((int) len);
            try {
                out.add(parse(type, body));
            } catch (IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("truncated control message of type " + type);
            }
            if (body.isReadable() && type != ControlMessage.CONFIG && type != ControlMessage.ERROR) {
                throw new IllegalArgumentException("control message of type " + type + " has " + body.readableBytes()
                        + " extra bytes");
            }
        }
        pending.discardReadBytes();
    }

    public void close() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    private static ControlMessage parse(int type, ByteBuf b) {
        return switch (type) {
            case ControlMessage.HELLO -> new ControlMessage.Hello(b.readUnsignedByte(), string16(b), string16(b),
                    b.readUnsignedByte());
            case ControlMessage.WELCOME -> new ControlMessage.Welcome(b.readLong(), b.readByte() != 0, b.readUnsignedShort(),
                    b.isReadable() ? b.readUnsignedByte() : ControlMessage.Welcome.UNKNOWN_TRACKS); // older servers stop before it
            case ControlMessage.TRACK -> {
                int track = b.readUnsignedByte();
                CodecId codec = CodecId.fromId(b.readInt())
                        .orElseThrow(() -> new IllegalArgumentException("unknown codec in TRACK"));
                int w = b.readUnsignedShort();
                int h = b.readUnsignedShort();
                int rate = b.readInt();
                int channels = b.readUnsignedByte();
                String cs = string16(b);
                String feed = string16(b);
                TrackInfo info = codec.kind() == MediaKind.VIDEO ? TrackInfo.video(codec, cs, w, h)
                        : TrackInfo.audio(codec, cs, rate, channels);
                yield new ControlMessage.Track(track, feed, info);
            }
            case ControlMessage.CONFIG -> {
                int track = b.readUnsignedByte();
                long pts = b.readLong();
                byte[] payload = new byte[b.readableBytes()];
                b.readBytes(payload);
                yield new ControlMessage.Config(track, pts, payload);
            }
            case ControlMessage.KEYFRAME_REQUEST -> new ControlMessage.KeyframeRequest(b.readUnsignedByte());
            case ControlMessage.STATS -> new ControlMessage.Stats(b.readLong(), b.readLong(), b.readLong(), b.readLong(),
                    b.readLong(), b.readLong(), b.readLong(), b.readLong());
            case ControlMessage.TRACK_STATE -> new ControlMessage.TrackState(b.readUnsignedByte(), b.readUnsignedByte());
            case ControlMessage.ERROR -> {
                int code = b.readUnsignedShort();
                yield new ControlMessage.Error(code, b.readCharSequence(b.readableBytes(), StandardCharsets.UTF_8).toString());
            }
            default -> throw new IllegalArgumentException("unknown control message type " + type);
        };
    }

    private static void string16(ByteBuf b, String s) {
        byte[] u = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (u.length > 0xffff) {
            throw new IllegalArgumentException("string too long");
        }
        b.writeShort(u.length).writeBytes(u);
    }

    private static String string16(ByteBuf b) {
        int n = b.readUnsignedShort();
        return b.readCharSequence(n, StandardCharsets.UTF_8).toString();
    }
}
