package io.kymux.core.input;

/**
 * Keyboard and pointer input from a viewer to the injector (docs/protocol/input-events.md).
 * {@code timeUs} is when the viewer produced it (µs, Unix epoch). Pointer positions are
 * normalised to the video: 0..65535 across its width and height.
 */
public sealed interface InputEvent {

    long timeUs();

    /** A key, by its W3C {@code KeyboardEvent.code} name ("KeyA", "Enter", "ShiftLeft"). */
    record Key(long timeUs, String code, boolean down) implements InputEvent {
    }

    /** The pointer moved to an absolute, normalised position. */
    record PointerMove(long timeUs, int x, int y) implements InputEvent {
    }

    /** The pointer moved by a relative amount in video pixels (pointer lock). */
    record PointerDelta(long timeUs, int dx, int dy) implements InputEvent {
    }

    /** A button: 0 left, 1 middle, 2 right, 3 back, 4 forward (W3C {@code MouseEvent.button}). */
    record Button(long timeUs, int button, boolean down) implements InputEvent {
    }

    /** Wheel steps (positive: down / right). */
    record Wheel(long timeUs, int dx, int dy) implements InputEvent {
    }

    /** Text typed as a whole (e.g. pasted), UTF-8. */
    record Text(long timeUs, String text) implements InputEvent {
    }
}
