package io.kymux.app.inject;

import io.kymux.core.input.InputEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives an X display with xdotool (Debian package {@code xdotool}): one xdotool run per
 * event, in order. Absolute pointer positions are scaled to the display's size.
 */
public final class XdotoolInjector implements Injector {

    private final String display;
    private final int width;
    private final int height;

    public XdotoolInjector(String display) {
        this.display = display;
        String[] geometry;
        try {
            geometry = run(List.of("getdisplaygeometry")).trim().split("\\s+");
        } catch (IllegalStateException e) {
            throw e.getMessage().contains("open display") ? new IllegalStateException(io.kymux.app.XDisplay.cannotOpen(display)) : e;
        }
        if (geometry.length != 2) {
            throw new IllegalStateException("xdotool getdisplaygeometry said '" + String.join(" ", geometry) + "'");
        }
        this.width = Integer.parseInt(geometry[0]);
        this.height = Integer.parseInt(geometry[1]);
    }

    @Override
    public void apply(InputEvent e) {
        List<String> args = new ArrayList<>();
        if (e instanceof InputEvent.Key k) {
            String sym = XKeysyms.of(k.code()).orElse(null);
            if (sym == null) {
                System.err.println("kymux inject: no X keysym for " + k.code());
                return;
            }
            args.addAll(List.of(k.down() ? "keydown" : "keyup", sym));
        } else if (e instanceof InputEvent.PointerMove m) {
            long x = Math.round(m.x() / 65535.0 * (width - 1));
            long y = Math.round(m.y() / 65535.0 * (height - 1));
            args.addAll(List.of("mousemove", Long.toString(x), Long.toString(y)));
        } else if (e instanceof InputEvent.PointerDelta d) {
            args.addAll(List.of("mousemove_relative", "--", Integer.toString(d.dx()), Integer.toString(d.dy())));
        } else if (e instanceof InputEvent.Button b) {
            int[] xButtons = {1, 2, 3, 8, 9};
            args.addAll(List.of(b.down() ? "mousedown" : "mouseup", Integer.toString(xButtons[b.button()])));
        } else if (e instanceof InputEvent.Wheel w) {
            int steps = Math.abs(w.dy()) + Math.abs(w.dx());
            if (steps == 0) {
                return;
            }
            String button = w.dy() != 0 ? (w.dy() > 0 ? "5" : "4") : (w.dx() > 0 ? "7" : "6");
            args.addAll(List.of("click", "--repeat", Integer.toString(Math.min(steps, 100)), button));
        } else if (e instanceof InputEvent.Text t) {
            args.addAll(List.of("type", "--", t.text()));
        }
        run(args);
    }

    private String run(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("xdotool");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPLAY", display);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("xdotool " + String.join(" ", args) + " failed: "
                        + new String(out, StandardCharsets.UTF_8).trim().replaceAll("\\s*\n\\s*", "; "));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run xdotool (apt-get install xdotool): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
