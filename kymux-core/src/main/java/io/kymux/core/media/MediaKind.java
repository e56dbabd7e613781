package io.kymux.core.media;

/** Whether a track carries pictures or sound. */
public enum MediaKind {
    VIDEO,
    AUDIO
}
