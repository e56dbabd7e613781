package io.kymux.app.bench;

/** One viewer of the bench, whatever its transport. */
interface BenchClient {

    boolean slow();

    long frames();

    long bytes();

    /** Frames the server dropped for this viewer, or that never arrived. */
    long gaps();

    void close();
}
