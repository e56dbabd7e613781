package io.kymux.app;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Sends a packet stream over a plain TCP connection to a server's {@code --tcp-ingest}
 * port ({@code tcp://host:port}); the server's lines back ({@code {"type":"keyframe"}})
 * ask for keyframes, as on the WebSocket ingest.
 */
public final class TcpUpload extends StreamingUpload {

    private volatile String closeReason = "connection closed";

    public TcpUpload(URI target) {
        connect(target, null, pipeline -> pipeline.addLast(new LineBasedFrameDecoder(4096),
                new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                        String text = line.toString(StandardCharsets.UTF_8);
                        if (io.kymux.core.packet.BackChannel.isKeyframeRequest(text)) {
                            keyframeRequested();
                        } else if (text.contains("\"error\"")) {
                            closeReason = text;
                        }
                    }
                }));
    }

    @Override
    protected Object wrap(ByteBuf chunk) {
        return chunk;
    }

    @Override
    protected String closedReason() {
        return closeReason;
    }

    @Override
    public void close() {
        shutdown();
    }
}
