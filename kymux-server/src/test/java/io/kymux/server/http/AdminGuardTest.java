package io.kymux.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AdminGuardTest {

    private static HttpRequest post(String auth) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/streams");
        if (auth != null) {
            r.headers().set("Authorization", auth);
        }
        return r;
    }

    // addresses only; nothing is sent anywhere
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.10", 50000);

    @Test
    void withoutTokenOnlyLoopbackMayChangeThings() {
        assertThat(AdminGuard.check(null, post(null), LOOPBACK)).isNull();
        assertThat(AdminGuard.check(null, post(null), REMOTE)).contains("loopback only");
    }

    @Test
    void withTokenEveryoneNeedsIt() {
        assertThat(AdminGuard.check("t0k", post(null), LOOPBACK)).contains("Bearer");
        assertThat(AdminGuard.check("t0k", post("Bearer nope"), REMOTE)).contains("Bearer");
        assertThat(AdminGuard.check("t0k", post("Bearer t0k"), REMOTE)).isNull();
        assertThat(AdminGuard.check("t0k", post("t0k"), REMOTE)).isNotNull();
    }
}
