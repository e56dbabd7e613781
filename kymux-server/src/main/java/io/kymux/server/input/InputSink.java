package io.kymux.server.input;

import io.kymux.core.input.InputEvent;

/** An injector connection: receives a stream's input events in order. */
public interface InputSink {

    void accept(InputEvent event);
}
