package dev.plaza.im.comet;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

/** How encoded packets go onto a connection: as they are on TCP, one binary frame each on WebSocket. */
enum Transport {
    TCP {
        @Override
        Object frame(ByteBuf packets) {
            return packets;
        }
    },
    WEBSOCKET {
        @Override
        Object frame(ByteBuf packets) {
            return new BinaryWebSocketFrame(packets);
        }
    };

    /** Wraps whole packets for the wire; takes ownership of {@code packets}. */
    abstract Object frame(ByteBuf packets);
}
