package io.kymux.capture;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Raw frames for an encoder, already in the encoder's pixel/sample format. A source paces
 * itself: {@link #next} returns when the frame exists (a live device) or when its time has
 * come (a generated test source), so the caller can stamp it with the capture instant.
 */
public interface FrameSource extends AutoCloseable {

    /** The next frame (owned by the source, valid until the next call); null at the end. */
    AVFrame next() throws InterruptedException;

    @Override
    void close();
}
