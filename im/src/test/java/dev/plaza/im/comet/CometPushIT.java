package dev.plaza.im.comet;

import static dev.plaza.im.comet.CometHarness.heartbeatOnline;
import static dev.plaza.im.comet.CometHarness.unpack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.plaza.im.protocol.Compression;
import dev.plaza.im.protocol.Dialect;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Heartbeats, rooms and pushes, over real sockets. */
class CometPushIT {
    private CometHarness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Asserts a goim RAW batch holding exactly these (op, body) messages. */
    private static void assertRawBatch(Packet batch, Object... opsAndBodies) {
        assertThat(batch.ver()).isEqualTo(Dialect.VER_GOIM);
        assertThat(batch.op()).isEqualTo(Op.RAW);
        List<Packet> inner = unpack(batch.body());
        assertThat(inner).hasSize(opsAndBodies.length / 2);
        for (int i = 0; i < inner.size(); i++) {
            assertThat(inner.get(i).op()).isEqualTo(opsAndBodies[2 * i]);
            assertThat(inner.get(i).bodyText()).isEqualTo(opsAndBodies[2 * i + 1]);
        }
    }

    @Test
    void heartbeatRepliesCarryTheRoomsOnlineCountAcrossTransportsAndDialects() {
        h = CometHarness.start();
        PacketClient a = h.goim(Wire.TCP, 1, "live://1");
        h.goim(Wire.WS, 2, "live://1");
        PacketClient bili = h.bilibili(Wire.WS, 3, "ok:3", 1, 0);
        PacketClient other = h.goim(Wire.TCP, 4, "live://2");

        assertThat(heartbeatOnline(a)).isEqualTo(3);
        assertThat(heartbeatOnline(bili)).isEqualTo(3);
        assertThat(heartbeatOnline(other)).isEqualTo(1);
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://1", 3, "live://2", 1));
        assertThat(h.comet.online("live://1")).isEqualTo(3);
    }

    @Test
    void aRoomBroadcastReachesEveryoneInTheRoomAndNobodyElse() {
        h = CometHarness.start();
        PacketClient tcp = h.goim(Wire.TCP, 1, "live://1");
        PacketClient ws = h.goim(Wire.WS, 2, "live://1");
        PacketClient outsider = h.goim(Wire.TCP, 3, "live://2");
        PacketClient roomless = h.goim(Wire.WS, 4, "");

        h.comet.broadcastRoom("live://1", 1000, utf8("hello room 1"));
        h.comet.broadcastRoom("live://2", 1000, utf8("hello room 2"));

        assertRawBatch(tcp.next(), 1000, "hello room 1");
        assertRawBatch(ws.next(), 1000, "hello room 1");
        // batches go out in order, so room 1's message would have come first
        assertRawBatch(outsider.next(), 1000, "hello room 2");
        assertThat(heartbeatOnline(roomless)).isZero();
        assertThat(h.count(CometMetrics.PUSHES, "kind", "room")).isEqualTo(2);
    }

    @Test
    void roomMessagesWithinTheBatchDelayGoOutAsOneBatchInOrder() {
        h = new CometHarness(CometHarness.BASE.withBatching(Duration.ofMillis(200), 64));
        PacketClient c = h.goim(Wire.TCP, 1, "live://1");

        h.comet.broadcastRoom("live://1", 1000, utf8("one"));
        h.comet.broadcastRoom("live://1", 1001, utf8("two"));
        h.comet.broadcastRoom("live://1", 1000, utf8("three"));

        assertRawBatch(c.next(), 1000, "one", 1001, "two", 1000, "three");
    }

    @Test
    void aFullBatchGoesOutBeforeItsDelay() {
        h = new CometHarness(CometHarness.BASE.withBatching(Duration.ofSeconds(30), 2));
        PacketClient c = h.goim(Wire.WS, 1, "live://1");

        h.comet.broadcastRoom("live://1", 1000, utf8("a"));
        h.comet.broadcastRoom("live://1", 1000, utf8("b"));
        h.comet.broadcastRoom("live://1", 1000, utf8("c"));

        assertRawBatch(c.next(), 1000, "a", 1000, "b");
        assertThat(c.received()).isEmpty(); // "c" waits for its batch to fill or its delay
    }

    @Test
    void withoutABatchDelayEachRoomMessageGoesOutAtOnce() {
        h = new CometHarness(CometHarness.BASE.withBatching(Duration.ZERO, 64));
        PacketClient c = h.goim(Wire.TCP, 1, "live://1");

        h.comet.broadcastRoom("live://1", 1000, utf8("a"));
        h.comet.broadcastRoom("live://1", 1000, utf8("b"));

        assertRawBatch(c.next(), 1000, "a");
        assertRawBatch(c.next(), 1000, "b");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void bilibiliClientsGetBatchesCompressedAsTheirProtoverAsks(Wire wire) {
        h = new CometHarness(CometHarness.BASE.withBatching(Duration.ofMillis(100), 64));
        PacketClient zlib = h.bilibili(wire, 1, "ok:1", 3, Compression.VER_ZLIB);
        PacketClient brotli = h.bilibili(wire, 2, "ok:2", 3, Compression.VER_BROTLI);
        PacketClient plain = h.bilibili(wire, 3, "ok:3", 3, 0);
        PacketClient goim = h.goim(wire, 4, "live://3");
        String danmu = "{\"cmd\":\"DANMU_MSG\",\"info\":[\"hi\"]}";
        String gift = "{\"cmd\":\"SEND_GIFT\",\"data\":{\"num\":1}}";

        h.comet.broadcastRoom("live://3", 1000, utf8(danmu));
        h.comet.broadcastRoom("live://3", 1001, utf8(gift));

        Packet z = zlib.next();
        assertThat(z.ver()).isEqualTo(Compression.VER_ZLIB);
        assertThat(z.op()).isEqualTo(Op.SEND_MSG_REPLY);
        assertJsonMessages(unpack(Compression.unzlib(z.body())), danmu, gift);

        Packet b = brotli.next();
        assertThat(b.ver()).isEqualTo(Compression.VER_BROTLI);
        assertThat(b.op()).isEqualTo(Op.SEND_MSG_REPLY);
        assertJsonMessages(unpack(Compression.unbrotli(b.body())), danmu, gift);

        assertJsonMessages(List.of(plain.next(), plain.next()), danmu, gift);

        assertRawBatch(goim.next(), 1000, danmu, 1001, gift);
    }

    private static void assertJsonMessages(List<Packet> packets, String... bodies) {
        assertThat(packets).hasSize(bodies.length);
        for (int i = 0; i < bodies.length; i++) {
            assertThat(packets.get(i).ver()).isZero();
            assertThat(packets.get(i).op()).isEqualTo(Op.SEND_MSG_REPLY);
            assertThat(packets.get(i).bodyText()).isEqualTo(bodies[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void changeRoomMovesTheConnection(Wire wire) {
        h = CometHarness.start();
        PacketClient c = h.goim(wire, 1, "live://1");
        h.goim(Wire.TCP, 2, "live://1");

        c.send(Packet.of(1, Op.CHANGE_ROOM, 5, "live://2"));
        Packet reply = c.next();
        assertThat(reply.op()).isEqualTo(Op.CHANGE_ROOM_REPLY);
        assertThat(reply.seq()).isEqualTo(5);
        assertThat(reply.bodyText()).isEqualTo("live://2");
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://1", 1, "live://2", 1));

        h.comet.broadcastRoom("live://1", 1000, utf8("old room"));
        h.comet.broadcastRoom("live://2", 1000, utf8("new room"));
        assertRawBatch(c.next(), 1000, "new room");
        assertThat(heartbeatOnline(c)).isEqualTo(1);

        // an empty room id leaves every room
        c.send(Packet.of(1, Op.CHANGE_ROOM, 6, ""));
        assertThat(c.next().op()).isEqualTo(Op.CHANGE_ROOM_REPLY);
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://1", 1));
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void keyAndBroadcastPushesRespectAccepts(Wire wire) {
        h = CometHarness.start();
        PacketClient picky = h.goim(wire, 1, "live://1", 1000);
        PacketClient all = h.goim(wire, 2, "live://1");

        h.comet.pushKeys(List.of(FakeListener.key("ok:1")), 1001, utf8("filtered"));
        h.comet.pushKeys(List.of(FakeListener.key("ok:1")), 1000, utf8("wanted"));
        Packet p = picky.next();
        assertThat(p.op()).isEqualTo(1000);
        assertThat(p.bodyText()).isEqualTo("wanted");

        assertThat(h.comet.broadcast(1001, utf8("to all 1001"))).isEqualTo(1);
        assertThat(h.comet.broadcast(1000, utf8("to all 1000"))).isEqualTo(2);
        assertThat(picky.next().bodyText()).isEqualTo("to all 1000");
        assertThat(all.next().bodyText()).isEqualTo("to all 1001");
        assertThat(all.next().bodyText()).isEqualTo("to all 1000");
        assertThat(h.count(CometMetrics.PUSHES, "kind", "keys")).isEqualTo(2);
        assertThat(h.count(CometMetrics.PUSHES, "kind", "broadcast")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void subAndUnsubChangeWhatIsAccepted(Wire wire) {
        h = CometHarness.start();
        PacketClient c = h.goim(wire, 1, "live://1", 1000);
        List<String> key = List.of(FakeListener.key("ok:1"));

        c.send(Packet.of(1, Op.SUB, 8, "1001, 1002,junk"));
        Packet sub = c.next();
        assertThat(sub.op()).isEqualTo(Op.SUB_REPLY);
        assertThat(sub.seq()).isEqualTo(8);
        assertThat(sub.bodyText()).isEqualTo("1001, 1002,junk");
        c.send(Packet.of(1, Op.UNSUB, 9, "1000"));
        Packet unsub = c.next();
        assertThat(unsub.op()).isEqualTo(Op.UNSUB_REPLY);
        assertThat(unsub.seq()).isEqualTo(9);

        assertThat(h.comet.pushKeys(key, 1000, utf8("unsubscribed"))).isZero();
        assertThat(h.comet.pushKeys(key, 1003, utf8("never subscribed"))).isZero();
        assertThat(h.comet.pushKeys(key, 1002, utf8("subscribed"))).isEqualTo(1);
        Packet p = c.next();
        assertThat(p.op()).isEqualTo(1002);
        assertThat(p.bodyText()).isEqualTo("subscribed");
    }

    @Test
    void bilibiliClientsGetKeyPushesAsOp5Json() {
        h = CometHarness.start();
        PacketClient c = h.bilibili(Wire.WS, 6, "ok:6", 1, 2);

        assertThat(h.comet.pushKeys(List.of(FakeListener.key("ok:6"), "nobody"), 1000, utf8("{\"cmd\":\"NOTICE\"}")))
                .isEqualTo(1);
        Packet p = c.next();
        assertThat(p.ver()).isZero();
        assertThat(p.op()).isEqualTo(Op.SEND_MSG_REPLY);
        assertThat(p.bodyText()).isEqualTo("{\"cmd\":\"NOTICE\"}");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aGoimMessageIsEchoedAsOp5(Wire wire) {
        h = CometHarness.start();
        PacketClient c = h.goim(wire, 1, "live://1");

        c.send(Packet.of(1, Op.SEND_MSG, 11, "ping ✓"));
        Packet reply = c.next();
        assertThat(reply.op()).isEqualTo(Op.SEND_MSG_REPLY);
        assertThat(reply.seq()).isEqualTo(11);
        assertThat(reply.bodyText()).isEqualTo("ping ✓");
    }

    @Test
    void aFullSendQueueDropsPacketsForThatConnectionOnly() throws Exception {
        h = new CometHarness(CometHarness.BASE.withSendQueue(4));
        TcpClient stalled = h.stalledTcp();
        stalled.send(CometHarness.goimAuth(1, 1, "ok:1", "live://1"));
        await().until(() -> h.comet.connections() == 1);
        PacketClient healthy = h.goim(Wire.TCP, 2, "live://1");

        byte[] big = new byte[256 * 1024];
        List<String> stalledKey = List.of(FakeListener.key("ok:1"));
        int queued = 0;
        for (int i = 0; i < 200; i++) {
            queued += h.comet.pushKeys(stalledKey, 1000, big);
        }
        assertThat(queued).isLessThan(200);
        assertThat(h.count(CometMetrics.DROPPED)).isEqualTo(200 - queued);

        assertThat(h.comet.pushKeys(List.of(FakeListener.key("ok:2")), 1000, utf8("still here"))).isEqualTo(1);
        assertThat(healthy.next().bodyText()).isEqualTo("still here");
        assertThat(heartbeatOnline(healthy)).isEqualTo(2);
    }

    @Test
    void pushesAfterCloseAreRefused() {
        h = CometHarness.start();
        h.comet.close();
        assertThatThrownBy(() -> h.comet.broadcastRoom("live://1", 1000, utf8("late")))
                .isInstanceOf(IllegalStateException.class);
    }
}
