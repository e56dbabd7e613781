package io.kymux.webrtc.srtp;

/** A packet that failed SRTP/SRTCP checks (authentication, replay, format); the peer goes on. */
public final class SrtpException extends Exception {

    public SrtpException(String message) {
        super(message);
    }
}
