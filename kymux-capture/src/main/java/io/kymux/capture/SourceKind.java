package io.kymux.capture;

/** What a capture process reads from. */
public enum SourceKind {
    /** Generated: testsrc2 pattern (video) or a 440 Hz sine (audio). Needs no devices. */
    TEST,
    /** An X11 display through x11grab. */
    DISPLAY,
    /** A V4L2 camera. */
    CAMERA,
    /** A PulseAudio or ALSA capture device. */
    AUDIO
}
