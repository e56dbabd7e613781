package io.kymux.core.session;

/** Predicts when a frame written now would have reached its viewer. */
@FunctionalInterface
public interface DeliveryEstimate {

    /** When {@code bytes} written at {@code nowUs} would be through; never before now. */
    long arrivalUs(long nowUs, int bytes);
}
