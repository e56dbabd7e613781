package io.kymux.app.inject;

import io.kymux.core.input.InputEvent;

/** Applies input events to something real (an X display) or shows them. */
public interface Injector {

    void apply(InputEvent e);
}
