package io.kymux.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.kymux.core.io.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Why a kymux/1 connect failed, when the reason is a server run with
 * {@code --quic-port off}: no UDP listener is there to answer, so the client would time out
 * or be closed before its handshake, again and again. The QUIC port's number is the HTTP port's by default, so the
 * same number over HTTP is asked for {@code /api/server}, which names no {@code quic} then.
 */
final class ServerWithoutQuic {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private ServerWithoutQuic() {
    }

    /** The line to tell the user, or null when that port is no kymux server without QUIC. */
    static String explain(URI url) {
        URI api = URI.create("http://" + url.getHost() + ":" + url.getPort() + "/api/server");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(api).timeout(PROBE_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode info = Json.MAPPER.readTree(r.body());
            if (!info.path("http").has("port") || info.has("quic")) {
                return null;
            }
            String page = (info.path("http").path("tls").asBoolean() ? "https://" : "http://") + url.getHost() + ":"
                    + url.getPort() + "/";
            return "the kymux server at " + url.getHost() + ":" + url.getPort()
                    + " runs without QUIC (--quic-port off), so kymux client cannot watch it; a browser can, at " + page;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // nothing answers there either: the connect's own error says enough
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
