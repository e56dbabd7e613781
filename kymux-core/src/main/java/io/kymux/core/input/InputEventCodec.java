package io.kymux.core.input;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The one binary encoding of input events, used on every transport and on the injector
 * connection: {@code type u8, time u64 (µs)} then the type's fields, big-endian
 * (docs/protocol/input-events.md). On a byte stream each event is preceded by its length
 * as u16; in a WebSocket message or a datagram it stands alone.
 */
public final class InputEventCodec {

    public static final int KEY = 1;
    public static final int POINTER_MOVE = 2;
    public static final int POINTER_DELTA = 3;
    public static final int BUTTON = 4;
    public static final int WHEEL = 5;
    public static final int TEXT = 6;
    public static final int MAX_EVENT = 1024;

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9]{1,32}");

    private InputEventCodec() {
    }

    public static void encode(InputEvent e, ByteBuf out) {
        if (e instanceof InputEvent.Key k) {
            head(out, KEY, k.timeUs());
            out.writeByte(k.down() ? 1 : 0);
            byte[] c = k.code().getBytes(StandardCharsets.US_ASCII);
            out.writeByte(c.length).writeBytes(c);
        } else if (e instanceof InputEvent.PointerMove m) {
            head(out, POINTER_MOVE, m.timeUs()).writeShort(m.x()).writeShort(m.y());
        } else if (e instanceof InputEvent.PointerDelta d) {
            head(out, POINTER_DELTA, d.timeUs()).writeShort(d.dx()).writeShort(d.dy());
        } else if (e instanceof InputEvent.Button b) {
            head(out, BUTTON, b.timeUs()).writeByte(b.button()).writeByte(b.down() ? 1 : 0);
        } else if (e instanceof InputEvent.Wheel w) {
            head(out, WHEEL, w.timeUs()).writeShort(w.dx()).writeShort(w.dy());
        } else if (e instanceof InputEvent.Text t) {
            byte[] u = t.text().getBytes(StandardCharsets.UTF_8);
            head(out, TEXT, t.timeUs()).writeShort(u.length).writeBytes(u);
        }
    }

    private static ByteBuf head(ByteBuf out, int type, long timeUs) {
        return out.writeByte(type).writeLong(timeUs);
    }

    /** Decodes one whole event; malformed or trailing bytes throw {@link IllegalArgumentException}. */
    public static InputEvent decode(ByteBuf in) {
        if (in.readableBytes() > MAX_EVENT) {
            throw new IllegalArgumentException("input event of " + in.readableBytes() + " bytes (limit " + MAX_EVENT + ")");
        }
        try {
            int type = in.readUnsignedByte();
            long t = in.readLong();
            InputEvent e = switch (type) {
                case KEY -> {
                    boolean down = readBool(in);
                    String code = in.readCharSequence(in.readUnsignedByte(), StandardCharsets.US_ASCII).toString();
                    if (!CODE.matcher(code).matches()) {
                        throw new IllegalArgumentException("bad key code '" + code + "'");
                    }
                    yield new InputEvent.Key(t, code, down);
                }
                case POINTER_MOVE -> new InputEvent.PointerMove(t, in.readUnsignedShort(), in.readUnsignedShort());
                case POINTER_DELTA -> new InputEvent.PointerDelta(t, in.readShort(), in.readShort());
                case BUTTON -> {
                    int b = in.readUnsignedByte();
                    if (b > 4) {
                        throw new IllegalArgumentException("bad button " + b);
                    }
                    yield new InputEvent.Button(t, b, readBool(in));
                }
                case WHEEL -> new InputEvent.Wheel(t, in.readShort(), in.readShort());
                case TEXT -> new InputEvent.Text(t, in.readCharSequence(in.readUnsignedShort(), StandardCharsets.UTF_8).toString());
                default -> throw new IllegalArgumentException("unknown input event type " + type);
            };
            if (in.isReadable()) {
                throw new IllegalArgumentException(in.readableBytes() + " bytes after an input event of type " + type);
            }
            return e;
        } catch (IndexOutOfBoundsException ex) {
            throw new IllegalArgumentException("truncated input event");
        }
    }

    private static boolean readBool(ByteBuf in) {
        int v = in.readUnsignedByte();
        if (v > 1) {
            throw new IllegalArgumentException("bad flag " + v);
        }
        return v == 1;
    }
}
