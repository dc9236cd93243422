package dev.plaza.im.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Reading packets back to back: a WebSocket frame's payload, or the body of a {@link Op#RAW} batch. */
public final class Packets {
    private Packets() {
    }

    /**
     * Reads one packet from {@code in} when it holds a whole one; null when more bytes are needed (the reader index
     * is left where it was).
     *
     * @param maxBody the largest body allowed
     * @throws ProtocolException on a header length other than 16, a length below 16, or a body over {@code maxBody}
     */
    public static Packet readOne(ByteBuf in, int maxBody) {
        if (in.readableBytes() < 4) {
            return null;
        }
        int start = in.readerIndex();
        int packetLength = in.getInt(start);
        if (packetLength < Packet.HEADER_LENGTH || packetLength - Packet.HEADER_LENGTH > maxBody) {
            throw new ProtocolException("packet length " + packetLength + " outside 16.." + (16 + maxBody));
        }
        if (in.readableBytes() < Packet.HEADER_LENGTH) {
            return null;
        }
        int headerLength = in.getUnsignedShort(start + 4);
        if (headerLength != Packet.HEADER_LENGTH) {
            throw new ProtocolException("header length " + headerLength + ", expected 16");
        }
        if (in.readableBytes() < packetLength) {
            return null;
        }
        int ver = in.getUnsignedShort(start + 6);
        int op = in.getInt(start + 8);
        int seq = in.getInt(start + 12);
        byte[] body = new byte[packetLength - Packet.HEADER_LENGTH];
        in.getBytes(start + Packet.HEADER_LENGTH, body);
        in.readerIndex(start + packetLength);
        return new Packet(ver, op, seq, body);
    }

    /** Every packet of a buffer that must hold whole packets only (a WebSocket frame, a batch body). */
    public static List<Packet> readAll(ByteBuf in, int maxBody) {
        List<Packet> out = new ArrayList<>(2);
        while (in.isReadable()) {
            Packet p = readOne(in, maxBody);
            if (p == null) {
                throw new ProtocolException("truncated packet: " + in.readableBytes() + " bytes left over");
            }
            out.add(p);
        }
        return out;
    }

    /** Packets back to back, as one {@link Op#RAW} body or one WebSocket frame. */
    public static byte[] concat(List<Packet> packets) {
        int n = 0;
        for (Packet p : packets) {
            n += p.length();
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(n);
        for (Packet p : packets) {
            bb.put(p.toBytes());
        }
        return bb.array();
    }
}
