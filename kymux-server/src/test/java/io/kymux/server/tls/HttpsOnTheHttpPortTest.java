package io.kymux.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kymux.core.tls.Fingerprints;
import io.kymux.core.tls.PinnedTrustManager;
import io.kymux.server.KymuxServer;
import io.kymux.server.ServerConfig;
import io.kymux.server.TestServers;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One port, both protocols: plain HTTP for loopback tools and ffmpeg, HTTPS/WSS for browsers. */
class HttpsOnTheHttpPortTest {

    private static ServerConfig config(ServerConfig.TlsConfig tls) {
        return ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0).withTls(tls);
    }

    private static HttpResponse<String> get(String url, String fingerprint) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (fingerprint != null) {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new PinnedTrustManager(fingerprint)}, null);
            b.sslContext(ctx);
        }
        return b.build().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The certificate a TLS handshake with the port shows (pinned to nothing: just read). */
    private static X509Certificate presented(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        X509Certificate[] seen = new X509Certificate[1];
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
                seen[0] = c[0];
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
        }
        return seen[0];
    }

    @Test
    void plainAndTlsOnOnePortAndTheCertificateSurvivesARestart(@TempDir Path state) throws Exception {
        String fingerprint;
        try (KymuxServer s = new KymuxServer(config(new ServerConfig.TlsConfig(false, state, null, null))).start()) {
            fingerprint = s.httpsCertificate().fingerprint();
            assertThat(get("http://127.0.0.1:" + s.port() + "/healthz", null).body().strip()).isEqualTo("ok");
            HttpResponse<String> api = get("https://127.0.0.1:" + s.port() + "/api/server", fingerprint);
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).contains("\"tls\":true").contains(fingerprint)
                    .contains(s.httpsCertificate().spkiSha256());
            assertThat(get("https://127.0.0.1:" + s.port() + "/watch/demo", fingerprint).body()).contains("kymux player");
            assertThat(Fingerprints.of(presented(s.port()))).isEqualTo(fingerprint);
        }
        try (KymuxServer s = new KymuxServer(config(new ServerConfig.TlsConfig(false, state, null, null))).start()) {
            assertThat(s.httpsCertificate().fingerprint()).as("same state dir, same certificate").isEqualTo(fingerprint);
            assertThat(Fingerprints.of(presented(s.port()))).isEqualTo(fingerprint);
        }
    }

    @Test
    void httpPlainTurnsTlsOff() throws Exception {
        try (KymuxServer s = new KymuxServer(config(new ServerConfig.TlsConfig(true, null, null, null))).start()) {
            assertThat(TestServers.call(s, "GET", "/api/server", null).body()).contains("\"tls\":false");
            assertThatThrownBy(() -> presented(s.port())).isInstanceOf(javax.net.ssl.SSLException.class);
            assertThat(s.httpsCertificate()).as("no certificate made for plain HTTP alone").isNull();
        }
    }

    @Test
    void aChangedPemPairIsTakenWithoutARestart(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ServerCertificate first = write(cert, key);
        try (KymuxServer s = new KymuxServer(config(new ServerConfig.TlsConfig(false, null, cert, key))).start()) {
            assertThat(Fingerprints.of(presented(s.port()))).isEqualTo(first.fingerprint());
            assertThat(s.kymux().info().fingerprint()).as("QUIC takes the same files").isEqualTo(first.fingerprint());
            ServerCertificate second = write(cert, key);
            assertThat(TestServers.await(() -> {
                try {
                    return Fingerprints.of(presented(s.port())).equals(second.fingerprint());
                } catch (Exception e) {
                    return false;
                }
            }, 10_000)).as("new handshakes get the new certificate").isTrue();
            assertThat(s.kymux().info().fingerprint()).isEqualTo(second.fingerprint());
        }
    }

    @Test
    void aBadPemFileIsOneReadableError(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "not a certificate");
        assertThatThrownBy(() -> new KymuxServer(config(new ServerConfig.TlsConfig(false, null, cert, cert))).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot load the certificate " + cert)
                .hasMessageContaining("holds no PEM certificate");
    }

    private static ServerCertificate write(Path cert, Path key) throws Exception {
        ServerCertificate c = ServerCertificate.issue(ServerCertificate.newKeyPair(), Instant.now(),
                java.time.Duration.ofDays(30), MachineNames.LOOPBACK);
        for (var e : java.util.Map.of(cert, (Object) c.certificate(), key,
                new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(c.key(), null)).entrySet()) {
            Path tmp = Files.createTempFile(e.getKey().getParent(), "pem", ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp); JcaPEMWriter p = new JcaPEMWriter(w)) {
                p.writeObject(e.getValue());
            }
            Files.move(tmp, e.getKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return c;
    }
}
