package io.kymux.app;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a packet stream as one endless chunked {@code POST /ingest/{feed}}: each packet
 * is its own flushed chunk. The server's answer, which a healthy ingest gets only at the
 * end, completes {@link #response()}.
 */
public final class HttpUpload extends StreamingUpload {

    /** The server's answer: status and body text. */
    public record Answer(int status, String body) {
    }

    private final CompletableFuture<Answer> response = new CompletableFuture<>();

    public HttpUpload(URI target) {
        this(target, null);
    }

    /** {@code fingerprint}: for {@code https://}, the SHA-256 of the server's certificate to pin; null trusts the JDK's CAs. */
    public HttpUpload(URI target, String fingerprint) {
        int port = io.kymux.server.tls.ClientTls.port(target);
        Channel channel = connect(target, fingerprint, pipeline -> pipeline.addLast(
                                    new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new SimpleChannelInboundHandler<FullHttpResponse>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                            response.complete(new Answer(r.status().code(),
                                                    r.content().toString(StandardCharsets.UTF_8).trim()));
                                            ctx.close(); // an answer ends the upload; the next send tells why
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            response.complete(new Answer(0, "connection closed"));
                                        }
                                    }));
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.getRawPath());
        req.headers().set(HttpHeaderNames.HOST, target.getHost() + ":" + port);
        req.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-kymux-packet-stream");
        channel.writeAndFlush(req);
    }

    public CompletableFuture<Answer> response() {
        return response;
    }

    @Override
    protected Object wrap(ByteBuf chunk) {
        return new DefaultHttpContent(chunk);
    }

    @Override
    protected String closedReason() {
        Answer a = response.getNow(null);
        return a == null ? "connection closed" : a.status() == 0 ? a.body() : "the server answered " + a.status() + " " + a.body();
    }

    @Override
    protected boolean refusedForGood() {
        Answer a = response.getNow(null);
        return a != null && UploadRefused.permanent(a.status());
    }

    @Override
    public void close() {
        if (channel().isActive()) {
            channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            response.completeOnTimeout(new Answer(0, "no answer"), 2, TimeUnit.SECONDS).join();
        }
        shutdown();
    }
}
