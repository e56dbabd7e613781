package io.kymux.app;

import io.kymux.server.KymuxServer;
import io.kymux.server.tls.MachineNames;
import java.util.ArrayList;
import java.util.List;

/** The addresses to print for a path: on this machine, and from other machines (HTTPS, so the page is a secure context). */
final class ViewerUrls {

    private ViewerUrls() {
    }

    static List<String> lines(KymuxServer server, String path, boolean plainHttp) {
        int port = server.port();
        List<String> out = new ArrayList<>();
        out.add("on this machine:     http://localhost:" + port + path);
        String host = MachineNames.ofThisMachine().ips().stream()
                .filter(a -> !a.startsWith("127.") && !a.contains(":")).findFirst().orElse(null);
        if (host == null) {
            return out;
        }
        if (plainHttp) {
            out.add("from other machines: through your TLS proxy (--http-plain), or http://" + host + ":" + port + path
                    + (server.webrtcPort() < 0 ? " (MPEG-TS for jsmpeg only: not a secure context, and WebRTC is off)"
                            : " (WebRTC only: not a secure context)"));
        } else {
            out.add("from other machines: https://" + host + ":" + port + path
                    + "  (self-signed: accept the certificate once; SHA-256 " + server.httpsCertificate().fingerprint() + ")");
        }
        return out;
    }
}
