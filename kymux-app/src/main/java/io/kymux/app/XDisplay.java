package io.kymux.app;

/** The X display a command works on, and what to tell a user who has none. */
public final class XDisplay {

    private XDisplay() {
    }

    /** $DISPLAY, or :0 when it is unset or empty (a headless box with a KVM's X server on :0). */
    public static String fromEnvironment() {
        String d = System.getenv("DISPLAY");
        return d == null || d.isBlank() ? ":0" : d;
    }

    /** The one line for a display that did not open. */
    public static String cannotOpen(String display) {
        return "cannot open X display " + display + " (is an X server running there? set DISPLAY or --display)";
    }
}
