package io.kymux.app.inject;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** W3C {@code KeyboardEvent.code} names to X keysym names (what xdotool takes). */
final class XKeysyms {

    private static final Map<String, String> NAMED = new HashMap<>();

    static {
        String[][] pairs = {
            {"Enter", "Return"}, {"NumpadEnter", "KP_Enter"}, {"Escape", "Escape"}, {"Backspace", "BackSpace"},
            {"Tab", "Tab"}, {"Space", "space"}, {"Minus", "minus"}, {"Equal", "equal"}, {"BracketLeft", "bracketleft"},
            {"BracketRight", "bracketright"}, {"Backslash", "backslash"}, {"Semicolon", "semicolon"},
            {"Quote", "apostrophe"}, {"Backquote", "grave"}, {"Comma", "comma"}, {"Period", "period"},
            {"Slash", "slash"}, {"CapsLock", "Caps_Lock"}, {"ShiftLeft", "Shift_L"}, {"ShiftRight", "Shift_R"},
            {"ControlLeft", "Control_L"}, {"ControlRight", "Control_R"}, {"AltLeft", "Alt_L"}, {"AltRight", "Alt_R"},
            {"MetaLeft", "Super_L"}, {"MetaRight", "Super_R"}, {"ContextMenu", "Menu"}, {"ArrowUp", "Up"},
            {"ArrowDown", "Down"}, {"ArrowLeft", "Left"}, {"ArrowRight", "Right"}, {"Home", "Home"}, {"End", "End"},
            {"PageUp", "Prior"}, {"PageDown", "Next"}, {"Insert", "Insert"}, {"Delete", "Delete"},
            {"PrintScreen", "Print"}, {"ScrollLock", "Scroll_Lock"}, {"Pause", "Pause"}, {"NumLock", "Num_Lock"},
        };
        for (String[] p : pairs) {
            NAMED.put(p[0], p[1]);
        }
    }

    private XKeysyms() {
    }

    static Optional<String> of(String code) {
        if (code.length() == 4 && code.startsWith("Key") && Character.isUpperCase(code.charAt(3))) {
            return Optional.of(String.valueOf(Character.toLowerCase(code.charAt(3))));
        }
        if (code.length() == 6 && code.startsWith("Digit") && Character.isDigit(code.charAt(5))) {
            return Optional.of(code.substring(5));
        }
        if (code.matches("F([1-9]|1[0-9]|2[0-4])")) {
            return Optional.of(code);
        }
        if (code.matches("Numpad[0-9]")) {
            return Optional.of("KP_" + code.substring(6));
        }
        return Optional.ofNullable(NAMED.get(code));
    }
}
