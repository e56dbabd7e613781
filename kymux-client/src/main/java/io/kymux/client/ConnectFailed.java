package io.kymux.client;

/**
 * A kymux/1 connection could not be made, and why, so a caller can tell a server that is
 * away for now (worth retrying) from one that said no or is not the pinned one (not).
 */
public final class ConnectFailed extends IllegalStateException {

    /** What kind of failure. */
    public enum Kind {
        /** No answer, or the connection dropped before the server welcomed us. */
        UNREACHABLE,
        /** The server's certificate is not the pinned one. */
        UNTRUSTED,
        /** The server answered with an ERROR (see {@link #code()}). */
        REFUSED
    }

    private final Kind kind;
    private final int code;

    public ConnectFailed(Kind kind, int code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The server's ERROR code for {@link Kind#REFUSED} (403, 404), else 0. */
    public int code() {
        return code;
    }

    /** UNTRUSTED when the chain holds a certificate failure, else UNREACHABLE. */
    static Kind classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException || c instanceof javax.net.ssl.SSLHandshakeException) {
                return Kind.UNTRUSTED;
            }
        }
        return Kind.UNREACHABLE;
    }
}
