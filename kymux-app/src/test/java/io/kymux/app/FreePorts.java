package io.kymux.app;

import java.net.DatagramSocket;
import java.net.ServerSocket;

/** Loopback ports a test may bind a fixed-port server to (it restarts on the same one). */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port free for both TCP and UDP, as a server with QUIC and WebRTC next to HTTP needs. */
    public static int tcpAndUdp() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0); DatagramSocket udp = new DatagramSocket(tcp.getLocalPort())) {
                return tcp.getLocalPort();
            } catch (java.net.BindException e) {
                // taken for UDP: try another
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP");
    }
}
