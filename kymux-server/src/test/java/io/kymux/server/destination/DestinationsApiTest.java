package io.kymux.server.destination;

import static io.kymux.server.TestServers.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.server.KymuxServer;
import io.kymux.server.TestServers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** vw's destination examples (seed 001) as HTTP calls, with their exact response bodies. */
class DestinationsApiTest {

    private KymuxServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void vwReadmeDestinationExamples() throws Exception {
        assertThat(call(server, "POST", "/api/streams",
                "{\"stream\":\"/stream/front/large\",\"feeds\":[\"video0\",\"audio0\"]}").statusCode()).isEqualTo(200);
        HttpResponse<String> post = call(server, "POST", "/api/destinations",
                "{\"stream\":\"/stream/front/large\",\"destination\":\"wss://video.practable.io:443/in/video0\",\"id\":\"0\"}");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo(
                "{\"id\":\"0\",\"stream\":\"stream/front/large\",\"destination\":\"wss://video.practable.io:443/in/video0\"}");
        // a single feed as the stream
        call(server, "POST", "/api/destinations",
                "{\"stream\":\"video0\",\"destination\":\"wss://video.practable.io:443/in/video1\",\"id\":\"1\"}");
        // update by re-posting the same id
        call(server, "POST", "/api/destinations",
                "{\"stream\":\"/stream/front/large\",\"destination\":\"wss://video.practable.io:443/in/video2\",\"id\":\"0\"}");
        assertThat(call(server, "GET", "/api/destinations/all", null).body()).isEqualTo(
                "{\"0\":{\"id\":\"0\",\"stream\":\"stream/front/large\",\"destination\":\"wss://video.practable.io:443/in/video2\"},"
                        + "\"1\":{\"id\":\"1\",\"stream\":\"video0\",\"destination\":\"wss://video.practable.io:443/in/video1\"}}");
        HttpResponse<String> one = call(server, "GET", "/api/destinations/0", null);
        assertThat(one.body()).startsWith("{\"id\":\"0\",\"stream\":\"stream/front/large\"").contains("\"links\":{");
        HttpResponse<String> del = call(server, "DELETE", "/api/destinations/0", null);
        assertThat(del.statusCode()).isEqualTo(200);
        assertThat(del.body()).isEqualTo("\"0\"");
        assertThat(call(server, "GET", "/api/destinations/all", null).body()).startsWith("{\"1\":");
        assertThat(call(server, "DELETE", "/api/destinations/all", null).statusCode()).isEqualTo(200);
        assertThat(call(server, "GET", "/api/destinations/all", null).body()).isEqualTo("{}");
        HttpResponse<String> missing = call(server, "DELETE", "/api/destinations/0", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"no destination with id 0\"}");
    }

    @Test
    void aDestinationWithNothingToSendIsIdleAndAnUnknownOneIs404() throws Exception {
        call(server, "POST", "/api/destinations",
                "{\"stream\":\"video0\",\"destination\":\"ws://127.0.0.1:9/ingest/video0\",\"id\":\"quiet\"}");
        assertThat(call(server, "GET", "/api/destinations/quiet/status", null).body()).isEqualTo(
                "{\"id\":\"quiet\",\"stream\":\"video0\",\"destination\":\"ws://127.0.0.1:9/ingest/video0\","
                        + "\"state\":\"idle\",\"bytesSent\":0,\"links\":{\"video0\":{\"state\":\"idle\",\"connected\":false,"
                        + "\"connects\":0,\"bytesSent\":0,\"framesSent\":0,\"framesDropped\":0,"
                        + "\"drops\":{\"overflow\":0,\"late\":0,\"waitingForKey\":0,\"superseded\":0},\"queuedFrames\":0},"
                        + "\"ts\":{\"state\":\"idle\",\"connected\":false,\"connects\":0,\"bytesSent\":0,\"runsSent\":0,\"runsDropped\":0}}}");
        HttpResponse<String> missing = call(server, "GET", "/api/destinations/nope/status", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"no destination with id nope\"}");
    }

    @Test
    void badDestinationBodiesGet400WithAReason() throws Exception {
        assertBad("{nope", "invalid JSON");
        assertBad("{\"destination\":\"ws://a/b\",\"id\":\"0\"}", "field 'stream' must be a non-empty string");
        assertBad("{\"stream\":\"s\",\"id\":\"0\"}", "field 'destination' must be a ws:// or wss:// URL");
        assertBad("{\"stream\":\"s\",\"destination\":\"http://a/b\",\"id\":\"0\"}", "must be a ws:// or wss:// URL");
        assertBad("{\"stream\":\"s\",\"destination\":\"ws://a b\",\"id\":\"0\"}", "not a URL");
        assertBad("{\"stream\":\"s\",\"destination\":\"ws://a/b\"}", "field 'id'");
        assertBad("{\"stream\":\"s\",\"destination\":\"ws://a/b\",\"id\":\"x y\"}", "field 'id'");
        assertThat(call(server, "GET", "/api/destinations/all", null).body()).isEqualTo("{}");
    }

    private void assertBad(String body, String reason) throws Exception {
        HttpResponse<String> r = call(server, "POST", "/api/destinations", body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        assertThat(r.body()).as(body).startsWith("{\"error\":\"").contains(reason);
    }
}
