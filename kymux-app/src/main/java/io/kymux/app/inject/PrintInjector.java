package io.kymux.app.inject;

import io.kymux.core.input.InputEvent;
import java.io.PrintStream;

/** Writes each event as a JSON line (the client's input format, plus the time): for logs and tests. */
public final class PrintInjector implements Injector {

    private final PrintStream out;

    public PrintInjector(PrintStream out) {
        this.out = out;
    }

    @Override
    public void apply(InputEvent e) {
        String json;
        if (e instanceof InputEvent.Key k) {
            json = "{\"type\":\"key\",\"code\":\"" + k.code() + "\",\"down\":" + k.down();
        } else if (e instanceof InputEvent.PointerMove m) {
            json = "{\"type\":\"move\",\"x\":" + m.x() / 65535.0 + ",\"y\":" + m.y() / 65535.0;
        } else if (e instanceof InputEvent.PointerDelta d) {
            json = "{\"type\":\"delta\",\"dx\":" + d.dx() + ",\"dy\":" + d.dy();
        } else if (e instanceof InputEvent.Button b) {
            json = "{\"type\":\"button\",\"button\":" + b.button() + ",\"down\":" + b.down();
        } else if (e instanceof InputEvent.Wheel w) {
            json = "{\"type\":\"wheel\",\"dx\":" + w.dx() + ",\"dy\":" + w.dy();
        } else {
            String text = ((InputEvent.Text) e).text();
            json = "{\"type\":\"text\",\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
        }
        out.println(json + ",\"timeUs\":" + e.timeUs() + "}");
        out.flush();
    }
}
