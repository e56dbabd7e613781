package io.kymux.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;

/** WebSocket close and ping handling shared by every server-side WebSocket handler. */
public final class ControlFrames {

    private ControlFrames() {
    }

    /** Answers a close or ping frame; returns false for data frames, which the caller handles. */
    public static boolean answer(ChannelHandlerContext ctx, WebSocketFrame frame, WebSocketServerHandshaker hs) {
        if (frame instanceof CloseWebSocketFrame) {
            hs.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
            return true;
        }
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return true;
        }
        return false;
    }
}
