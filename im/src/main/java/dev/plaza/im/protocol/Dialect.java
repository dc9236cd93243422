package dev.plaza.im.protocol;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * How each kind of client is answered and pushed to. goim clients get goim's replies and room messages as
 * {@link Op#RAW} batches of version-1 packets; Bilibili live clients get {@code {"code":0}} on auth, the room's
 * popularity on heartbeat, and pushes as op 5 JSON packets (version 0), batched and compressed as their protover
 * asks (2: zlib, 3: brotli).
 */
public enum Dialect {
    GOIM {
        @Override
        public Packet authReply(int seq) {
            return Packet.empty(VER_GOIM, Op.AUTH_REPLY, seq);
        }

        @Override
        public Packet heartbeatReply(int seq, int online) {
            return new Packet(VER_GOIM, Op.HEARTBEAT_REPLY, seq, int32(online));
        }

        @Override
        public Packet message(int op, byte[] body) {
            return new Packet(VER_GOIM, op, 0, body);
        }

        @Override
        public Packet batch(List<Packet> messages, int protover) {
            return new Packet(VER_GOIM, Op.RAW, 0, Packets.concat(messages));
        }
    },
    BILIBILI {
        @Override
        public Packet authReply(int seq) {
            return Packet.of(0, Op.AUTH_REPLY, seq, "{\"code\":0}");
        }

        @Override
        public Packet heartbeatReply(int seq, int online) {
            return new Packet(1, Op.HEARTBEAT_REPLY, seq, int32(online));
        }

        @Override
        public Packet message(int op, byte[] body) {
            return new Packet(0, Op.SEND_MSG_REPLY, 0, body);
        }

        @Override
        public Packet batch(List<Packet> messages, int protover) {
            byte[] plain = Packets.concat(messages);
            return switch (protover) {
                case Compression.VER_ZLIB -> new Packet(Compression.VER_ZLIB, Op.SEND_MSG_REPLY, 0,
                        Compression.zlib(plain));
                case Compression.VER_BROTLI -> new Packet(Compression.VER_BROTLI, Op.SEND_MSG_REPLY, 0,
                        Compression.brotli(plain));
                default -> throw new IllegalArgumentException("protover " + protover + " has no batches");
            };
        }
    };

    public static final int VER_GOIM = 1;

    /** The answer to a successful auth. */
    public abstract Packet authReply(int seq);

    /** The answer to a heartbeat: the room's online count (Bilibili calls it popularity), int32 big-endian. */
    public abstract Packet heartbeatReply(int seq, int online);

    /** One pushed message ({@code op} is goim's operation; Bilibili clients always get op 5). */
    public abstract Packet message(int op, byte[] body);

    /**
     * Several pushed messages (made by {@link #message}) in one packet; for Bilibili clients only when their
     * protover is 2 or 3 (others get the messages one by one).
     */
    public abstract Packet batch(List<Packet> messages, int protover);

    /** Whether a client of this dialect and protover takes {@link #batch}es. */
    public boolean batches(int protover) {
        return this == GOIM || protover == Compression.VER_ZLIB || protover == Compression.VER_BROTLI;
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
