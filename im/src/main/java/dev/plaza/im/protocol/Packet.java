package dev.plaza.im.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One packet: int32 packet length (header + body), int16 header length (always {@value #HEADER_LENGTH}), int16
 * version, int32 operation, int32 sequence, then the body; big-endian.
 *
 * @param ver protocol version: goim uses 1; Bilibili live uses 0 for JSON bodies, 1 for heartbeat replies, 2 for a
 *            zlib-compressed batch and 3 for a brotli-compressed batch
 */
public record Packet(int ver, int op, int seq, byte[] body) {
    public static final int HEADER_LENGTH = 16;
    /** The most a client may put in one body (goim's {@code MaxBodySize}). */
    public static final int MAX_CLIENT_BODY = 4096;

    public Packet {
        Objects.requireNonNull(body, "body");
    }

    public static Packet of(int ver, int op, int seq, String body) {
        return new Packet(ver, op, seq, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Packet empty(int ver, int op, int seq) {
        return new Packet(ver, op, seq, new byte[0]);
    }

    public int length() {
        return HEADER_LENGTH + body.length;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public void writeTo(ByteBuf out) {
        out.writeInt(length());
        out.writeShort(HEADER_LENGTH);
        out.writeShort(ver);
        out.writeInt(op);
        out.writeInt(seq);
        out.writeBytes(body);
    }

    public byte[] toBytes() {
        byte[] b = new byte[length()];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        bb.putInt(length()).putShort((short) HEADER_LENGTH).putShort((short) ver).putInt(op).putInt(seq).put(body);
        return b;
    }
}
