package io.kymux.server.http;

import static io.kymux.server.TestServers.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.server.KymuxServer;
import io.kymux.server.TestServers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The pages a browser loads and what they ask for besides: no 404 in a page's console. */
class WebPagesTest {

    @Test
    void pagesHaveAnIconAndTheIconIsServedUnderBothNamesBrowsersAskFor() throws Exception {
        try (KymuxServer s = TestServers.start()) {
            for (String page : new String[] {"/", "/watch/video0"}) {
                HttpResponse<String> r = call(s, "GET", page, null);
                assertThat(r.statusCode()).as(page).isEqualTo(200);
                assertThat(r.body()).as(page).contains("<link rel=\"icon\" href=\"/favicon.svg\"");
            }
            for (String icon : new String[] {"/favicon.svg", "/favicon.ico"}) {
                HttpResponse<String> r = call(s, "GET", icon, null);
                assertThat(r.statusCode()).as(icon).isEqualTo(200);
                assertThat(r.headers().firstValue("content-type")).as(icon).hasValue("image/svg+xml");
                assertThat(r.body()).startsWith("<svg");
            }
        }
    }
}
