package io.kymux.server;

/** A port the server needs is in use: which one, who holds it, and how to move it, in one line. */
public final class PortTakenException extends IllegalStateException {

    public PortTakenException(String protocol, String use, int port, String flag, String env) {
        super(protocol + " port " + port + " (" + use + ") is in use" + PortOwner.describe(protocol, port)
                + "; choose another with " + flag + " or " + env);
    }

    /** Runs a bind; a {@link java.net.BindException} becomes this, anything else passes. */
    static <T> T binding(String protocol, String use, int port, String flag, String env, Bind<T> bind)
            throws InterruptedException {
        try {
            return bind.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty's sync() rethrows the BindException unchecked
            if (e instanceof java.net.BindException) {
                throw new PortTakenException(protocol, use, port, flag, env);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A bind that may fail. */
    @FunctionalInterface
    interface Bind<T> {
        T run() throws Exception;
    }
}
