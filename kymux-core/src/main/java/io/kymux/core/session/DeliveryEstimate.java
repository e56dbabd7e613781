package io.kymux.core.session;

/** Predicts when a frame written now would have reached its viewer. */
@FunctionalInterface
public interface DeliveryEstimate {

    /** No knowledge of the link: a frame arrives when it is written. */
    DeliveryEstimate NONE = (nowUs, bytes) -> nowUs;

    /** When {@code bytes} written at {@code nowUs} would be through; never before now. */
    long arrivalUs(long nowUs, int bytes);
}
