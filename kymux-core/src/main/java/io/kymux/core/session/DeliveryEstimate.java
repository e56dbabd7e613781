package io.kymux.core.session;

/** Predicts when a frame written now would have reached its viewer. */
@FunctionalInterface
public interface DeliveryEstimate {

    /** When {@code bytes} written at {@code nowUs} would be through; never before now. */
    long arrivalUs(long nowUs, int bytes);

    /**
     * The deadline rule every viewer queue applies: late past its deadline, or when this link
     * would bring it through after that, except a fresh random-access unit (two thirds of
     * its {@code budgetUs} left) offered to an idle link: nothing would reach the viewer sooner.
     */
    default boolean late(long nowUs, long deadlineUs, int bytes, boolean randomAccess, long budgetUs) {
        if (nowUs > deadlineUs) {
            return true;
        }
        if (arrivalUs(nowUs, bytes) <= deadlineUs) {
            return false;
        }
        if (!randomAccess) {
            return true;
        }
        boolean fresh = 3 * (deadlineUs - nowUs) >= 2 * budgetUs;
        boolean idle = arrivalUs(nowUs, 0) <= nowUs;
        return !(fresh && idle);
    }
}
