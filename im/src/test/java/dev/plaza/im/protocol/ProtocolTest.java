package dev.plaza.im.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire format and both dialects, byte for byte. */
class ProtocolTest {
    @Test
    void aPacketIsItsLengthHeaderAndBodyBigEndian() {
        byte[] b = Packet.of(1, Op.AUTH, 7, "hi").toBytes();
        ByteBuffer bb = ByteBuffer.wrap(b);
        assertThat(bb.getInt()).isEqualTo(18);
        assertThat(bb.getShort()).isEqualTo((short) 16);
        assertThat(bb.getShort()).isEqualTo((short) 1);
        assertThat(bb.getInt()).isEqualTo(7);
        assertThat(bb.getInt()).isEqualTo(7);
        assertThat(new String(b, 16, 2, StandardCharsets.UTF_8)).isEqualTo("hi");
        ByteBuf viaNetty = Unpooled.buffer();
        Packet.of(1, Op.AUTH, 7, "hi").writeTo(viaNetty);
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(viaNetty)).isEqualTo(b);
    }

    @Test
    void packetsBackToBackAreReadOneByOneAndAPartialOneWaits() {
        byte[] two = Packets.concat(List.of(Packet.of(1, Op.HEARTBEAT, 1, ""), Packet.of(1, Op.SEND_MSG, 2, "x")));
        ByteBuf in = Unpooled.wrappedBuffer(two, 0, two.length - 1); // the last byte has not arrived
        Packet first = Packets.readOne(in, Packet.MAX_CLIENT_BODY);
        assertThat(first.op()).isEqualTo(Op.HEARTBEAT);
        int before = in.readerIndex();
        assertThat(Packets.readOne(in, Packet.MAX_CLIENT_BODY)).isNull();
        assertThat(in.readerIndex()).isEqualTo(before);
        assertThat(Packets.readAll(Unpooled.wrappedBuffer(two), 4096)).extracting(Packet::seq).containsExactly(1, 2);
    }

    @Test
    void badHeadersAndOversizedBodiesBreakTheProtocol() {
        byte[] p = Packet.of(1, Op.AUTH, 1, "{}").toBytes();
        p[5] = 17; // header length 17
        assertThatThrownBy(() -> Packets.readOne(Unpooled.wrappedBuffer(p), 4096))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("header length 17");
        byte[] big = new Packet(1, Op.SEND_MSG, 1, new byte[4097]).toBytes();
        assertThatThrownBy(() -> Packets.readOne(Unpooled.wrappedBuffer(big, 0, 4), 4096)) // refused from its length
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Packets.readOne(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3}), 4096))
                .isInstanceOf(ProtocolException.class);
        byte[] ok = Packet.of(1, Op.HEARTBEAT, 1, "").toBytes();
        assertThatThrownBy(() -> Packets.readAll(Unpooled.wrappedBuffer(ok, 0, 10), 4096))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }

    @Test
    void authBodiesOfBothDialects() {
        Auth goim = Auth.parse(("{\"mid\":1,\"key\":\"tok\",\"room_id\":\"live://1000\",\"platform\":\"web\","
                + "\"accepts\":[1000,1001]}").getBytes(StandardCharsets.UTF_8));
        assertThat(goim.dialect()).isEqualTo(Dialect.GOIM);
        assertThat(goim.mid()).isEqualTo(1);
        assertThat(goim.key()).isEqualTo("tok");
        assertThat(goim.room()).isEqualTo("live://1000");
        assertThat(goim.accepts()).containsExactlyInAnyOrder(1000, 1001);

        Auth bili = Auth.parse("{\"uid\":0,\"roomid\":1000,\"protover\":3,\"platform\":\"web\",\"type\":2}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(bili.dialect()).isEqualTo(Dialect.BILIBILI);
        assertThat(bili.room()).isEqualTo("live://1000"); // the same room as goim's
        assertThat(bili.key()).isEmpty();
        assertThat(bili.protover()).isEqualTo(3);

        for (String bad : List.of("not json", "[1]", "{\"roomid\":1,\"protover\":9}", "{\"room_id\":\"1000\"}",
                "{\"mid\":1,\"accepts\":[\"x\"]}", "{\"key\":{\"a\":1}}")) {
            assertThatThrownBy(() -> Auth.parse(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void repliesOfEachDialect() {
        Packet goimAuth = Dialect.GOIM.authReply(3);
        assertThat(goimAuth.op()).isEqualTo(Op.AUTH_REPLY);
        assertThat(goimAuth.body()).isEmpty();
        assertThat(goimAuth.seq()).isEqualTo(3);

        Packet biliAuth = Dialect.BILIBILI.authReply(1);
        assertThat(biliAuth.ver()).isZero();
        assertThat(biliAuth.bodyText()).isEqualTo("{\"code\":0}");

        Packet hb = Dialect.BILIBILI.heartbeatReply(2, 123_456);
        assertThat(hb.op()).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(hb.ver()).isEqualTo(1);
        assertThat(ByteBuffer.wrap(hb.body()).getInt()).isEqualTo(123_456);
    }

    @Test
    void bilibiliBatchesAreCompressedPacketsAndGoimBatchesAreRaw() {
        List<Packet> msgs = List.of(Dialect.BILIBILI.message(1000, "{\"cmd\":\"DANMU_MSG\",\"info\":[1]}"
                .getBytes(StandardCharsets.UTF_8)), Dialect.BILIBILI.message(1000, "{\"cmd\":\"DANMU_MSG\"}"
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(msgs).allSatisfy(m -> {
            assertThat(m.op()).isEqualTo(Op.SEND_MSG_REPLY);
            assertThat(m.ver()).isZero();
        });
        Packet zlib = Dialect.BILIBILI.batch(msgs, 2);
        assertThat(zlib.ver()).isEqualTo(2);
        assertThat(Packets.readAll(Unpooled.wrappedBuffer(Compression.unzlib(zlib.body())), 1 << 20))
                .extracting(Packet::bodyText).containsExactly("{\"cmd\":\"DANMU_MSG\",\"info\":[1]}",
                        "{\"cmd\":\"DANMU_MSG\"}");
        Packet brotli = Dialect.BILIBILI.batch(msgs, 3);
        assertThat(brotli.ver()).isEqualTo(3);
        assertThat(Packets.readAll(Unpooled.wrappedBuffer(Compression.unbrotli(brotli.body())), 1 << 20))
                .hasSize(2);
        assertThat(Dialect.BILIBILI.batches(1)).isFalse();
        assertThatThrownBy(() -> Dialect.BILIBILI.batch(msgs, 0)).isInstanceOf(IllegalArgumentException.class);

        Packet raw = Dialect.GOIM.batch(List.of(Dialect.GOIM.message(1000, new byte[] {1, 2})), 0);
        assertThat(raw.op()).isEqualTo(Op.RAW);
        Packet inner = Packets.readAll(Unpooled.wrappedBuffer(raw.body()), 4096).getFirst();
        assertThat(inner.op()).isEqualTo(1000);
        assertThat(inner.body()).containsExactly(1, 2);
    }

    @Test
    void corruptCompressedBodiesAreProtocolErrors() {
        assertThatThrownBy(() -> Compression.unzlib(new byte[] {1, 2, 3})).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Compression.unbrotli(new byte[] {(byte) 0xff, 1, 2, 3}))
                .isInstanceOf(ProtocolException.class);
    }
}
