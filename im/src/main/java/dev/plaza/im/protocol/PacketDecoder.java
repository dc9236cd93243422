package dev.plaza.im.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * TCP framing: packets back to back on the stream. A packet that breaks the protocol throws
 * {@link ProtocolException} (wrapped by Netty in a DecoderException), and the connection's handler closes it.
 */
public final class PacketDecoder extends ByteToMessageDecoder {
    private final int maxBody;

    public PacketDecoder(int maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Packet p;
        while ((p = Packets.readOne(in, maxBody)) != null) {
            out.add(p);
        }
    }
}
