package io.kymux.capture;

/**
 * A capture job: one track from one source. {@code device} is the X display
 * ({@code :0.0}), the V4L2 device ({@code /dev/video0}) or the audio device
 * ({@code default}); {@code audioBackend} is {@code pulse} or {@code alsa};
 * {@code offsetX}/{@code offsetY} select a display region.
 */
public record CaptureOptions(SourceKind source, boolean audio, String device, String audioBackend, int offsetX,
                             int offsetY, EncoderSettings encoder) {

    public static CaptureOptions testVideo(EncoderSettings encoder) {
        return new CaptureOptions(SourceKind.TEST, false, null, null, 0, 0, encoder);
    }

    public static CaptureOptions testAudio(EncoderSettings encoder) {
        return new CaptureOptions(SourceKind.TEST, true, null, null, 0, 0, encoder);
    }
}
