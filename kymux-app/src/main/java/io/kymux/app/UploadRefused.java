package io.kymux.app;

/**
 * The server (or its certificate) said no in a way trying again will not change: a TLS
 * failure, a 4xx answer other than 409 "feed already has a producer". A capture exits on
 * it instead of reconnecting.
 */
final class UploadRefused extends IllegalStateException {

    UploadRefused(String message) {
        super(message);
    }

    /** Whether an HTTP status refuses for good: 4xx, except 409 (the old producer may not be gone yet) and 429. */
    static boolean permanent(int status) {
        return status >= 400 && status < 500 && status != 409 && status != 429;
    }
}
