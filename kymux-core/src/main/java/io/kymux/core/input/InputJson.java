package io.kymux.core.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.core.io.Json;
import java.util.function.LongSupplier;

/**
 * The JSON lines {@code kymux client --input} reads (docs/protocol/input-events.md), one
 * event per line:
 * <pre>
 * {"type":"key","code":"KeyA","down":true}
 * {"type":"move","x":0.5,"y":0.25}          position as a fraction of the video (0..1)
 * {"type":"delta","dx":-3,"dy":4}
 * {"type":"button","button":0,"down":true}  0 left, 1 middle, 2 right, 3 back, 4 forward
 * {"type":"wheel","dx":0,"dy":1}
 * {"type":"text","text":"hello"}
 * </pre>
 */
public final class InputJson {

    private InputJson() {
    }

    /** One line as an event stamped with {@code clock}; {@link IllegalArgumentException} says what is wrong. */
    public static InputEvent parse(String line, LongSupplier clock) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + line);
        }
        long t = clock.getAsLong();
        String type = n.path("type").asText("");
        return switch (type) {
            case "key" -> new InputEvent.Key(t, text(n, "code"), bool(n, "down"));
            case "move" -> new InputEvent.PointerMove(t, fraction(n, "x"), fraction(n, "y"));
            case "delta" -> new InputEvent.PointerDelta(t, small(n, "dx"), small(n, "dy"));
            case "button" -> {
                int b = n.path("button").asInt(-1);
                if (b < 0 || b > 4) {
                    throw new IllegalArgumentException("button must be 0..4");
                }
                yield new InputEvent.Button(t, b, bool(n, "down"));
            }
            case "wheel" -> new InputEvent.Wheel(t, small(n, "dx"), small(n, "dy"));
            case "text" -> new InputEvent.Text(t, text(n, "text"));
            default -> throw new IllegalArgumentException("unknown input type '" + type + "'");
        };
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + f + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("'" + f + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static int fraction(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || !v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
            throw new IllegalArgumentException("'" + f + "' must be a number from 0 to 1");
        }
        return (int) Math.round(v.asDouble() * 65535);
    }

    private static int small(JsonNode n, String f) {
        int v = n.path(f).asInt(0);
        return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }
}
