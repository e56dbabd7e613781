package io.kymux.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Small helpers to answer a request with a complete body. */
public final class Responses {

    private Responses() {
    }

    /** A complete, uncached response; {@code contentType} null for an empty body. Callers may add headers. */
    public static FullHttpResponse of(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    public static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, byte[] body,
                            boolean close) {
        FullHttpResponse r = of(status, contentType, body);
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(r);
        }
    }

    public static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean close) {
        send(ctx, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), close);
    }

    public static void json(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] json) {
        send(ctx, status, "application/json", json, false);
    }
}
