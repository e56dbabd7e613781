package io.kymux.webrtc.dtls;

import java.security.SecureRandom;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** The browser's DTLS client for tests: {@link DtlsHandshake} running the client side. */
public final class BrowserDtls {

    private BrowserDtls() {
    }

    public static DtlsHandshake start(DtlsHandshakeTest.Identity identity) {
        DtlsHandshakeTest.BrowserLikeClient client =
                new DtlsHandshakeTest.BrowserLikeClient(new BcTlsCrypto(new SecureRandom()), identity);
        return new DtlsHandshake(t -> new DtlsHandshake.Result(new DTLSClientProtocol().connect(client, t),
                client.keys()), () -> { });
    }
}
