package io.kymux.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The curl examples of vw's README (seed 001), as HTTP calls, with their exact response bodies. */
class StreamsApiTest {

    private KymuxServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String json) {
        return TestServers.call(server, method, path, json);
    }

    @Test
    void vwReadmeStreamExamples() throws Exception {
        HttpResponse<String> post = call("POST", "/api/streams",
                "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\",\"audio0\"]}");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("{\"stream\":\"stream/front/large\",\"feeds\":[\"video0\",\"audio0\"],"
                + "\"unknownFeeds\":[\"video0\",\"audio0\"]}");
        assertThat(call("GET", "/api/streams/all", null).body())
                .isEqualTo("{\"stream/front/large\":[\"video0\",\"audio0\"]}");
        // mute the audio by re-posting
        assertThat(call("POST", "/api/streams", "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\"]}")
                .statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/streams/all", null).body()).isEqualTo("{\"stream/front/large\":[\"video0\"]}");
        // vw's pitfall: posted with a leading '/', still deletable
        HttpResponse<String> del = call("DELETE", "/api/streams/stream/front/large", null);
        assertThat(del.statusCode()).isEqualTo(200);
        assertThat(del.body()).isEqualTo("\"stream/front/large\"");
        assertThat(call("GET", "/api/streams/all", null).body()).isEqualTo("{}");
    }

    @Test
    void deleteAllAndDeleteUnknown() throws Exception {
        call("POST", "/api/streams", "{\"stream\":\"stream/a\",\"feeds\":[\"v\"]}");
        call("POST", "/api/streams", "{\"stream\":\"stream/b\",\"feeds\":[\"v\"]}");
        assertThat(call("GET", "/api/streams/all", null).body()).isEqualTo("{\"stream/a\":[\"v\"],\"stream/b\":[\"v\"]}");
        assertThat(call("DELETE", "/api/streams/all", null).body()).isEqualTo("{}");
        assertThat(call("GET", "/api/streams/all", null).body()).isEqualTo("{}");
        HttpResponse<String> missing = call("DELETE", "/api/streams/stream/none", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"no stream named stream/none\"}");
    }

    @Test
    void badBodiesGet400WithAReason() throws Exception {
        assertBad("{nope", "invalid JSON");
        assertBad("[1,2]", "expected a JSON object");
        assertBad("{\"feeds\":[\"v\"]}", "field 'stream' must be a non-empty string");
        assertBad("{\"stream\":\"/\",\"feeds\":[\"v\"]}", "field 'stream' must be a non-empty string");
        assertBad("{\"stream\":\"s\",\"feeds\":\"v\"}", "field 'feeds' must be an array");
        assertBad("{\"stream\":\"s\",\"feeds\":[\"a b\"]}", "bad feed name");
        assertBad("{\"stream\":\"s\",\"feeds\":[7]}", "bad feed name");
        assertThat(call("GET", "/api/streams/all", null).body()).isEqualTo("{}");
        assertThat(call("GET", "/healthz", null).body()).startsWith("ok"); // same connection still served
    }

    @Test
    void withAnAdminTokenChangesNeedTheBearerToken() throws Exception {
        server.close();
        server = new KymuxServer(ServerConfig.defaults().withBindHost("127.0.0.1").withPort(0)
                .withAdminToken("s3cret")).start();
        String body = "{\"stream\":\"s\",\"feeds\":[\"v\"]}";
        HttpResponse<String> anonymous = call("POST", "/api/streams", body);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("Bearer");
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/streams"))
                .header("Authorization", "Bearer nope").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> right = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/streams"))
                .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/streams/all", null).body()).isEqualTo("{\"s\":[\"v\"]}");
    }

    private void assertBad(String body, String reason) throws Exception {
        HttpResponse<String> r = call("POST", "/api/streams", body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        assertThat(r.body()).as(body).startsWith("{\"error\":\"").contains(reason);
    }
}
