package dev.plaza.im.comet;

import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.Packets;
import dev.plaza.im.protocol.ProtocolException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * WebSocket framing: each binary frame holds one or more whole packets, passed on one by one. Text frames are not
 * packets and close the connection; HTTP requests for any path but the WebSocket one get a 404.
 */
final class WebSocketPacketDecoder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame frame) {
            try {
                for (Packet p : Packets.readAll(frame.content(), Packet.MAX_CLIENT_BODY)) {
                    ctx.fireChannelRead(p);
                }
            } finally {
                frame.release();
            }
        } else if (msg instanceof WebSocketFrame frame) {
            frame.release();
            throw new ProtocolException("only binary frames carry packets, got " + frame.getClass().getSimpleName());
        } else if (msg instanceof HttpRequest request) {
            FullHttpResponse notFound = new DefaultFullHttpResponse(request.protocolVersion(),
                    HttpResponseStatus.NOT_FOUND);
            ReferenceCountUtil.release(msg);
            notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
