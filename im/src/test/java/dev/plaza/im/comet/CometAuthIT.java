package dev.plaza.im.comet;

import static dev.plaza.im.comet.CometHarness.bilibiliAuth;
import static dev.plaza.im.comet.CometHarness.goimAuth;
import static dev.plaza.im.comet.CometHarness.heartbeat;
import static dev.plaza.im.comet.CometHarness.heartbeatOnline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.im.protocol.Auth;
import dev.plaza.im.protocol.Dialect;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Auth and the connection's life around it, over real sockets. */
class CometAuthIT {
    private CometHarness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void goimAuthIsAnsweredWithAnEmptyOp8AndJoinsTheRoom(Wire wire) {
        h = CometHarness.start();
        PacketClient c = h.connect(wire);
        c.send(goimAuth(42, 7, "ok:7", "live://1000", 1000, 1001));

        Packet reply = c.next();
        assertThat(reply.ver()).isEqualTo(Dialect.VER_GOIM);
        assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
        assertThat(reply.seq()).isEqualTo(42);
        assertThat(reply.body()).isEmpty();
        assertThat(h.listener.connects).singleElement().satisfies(s -> {
            assertThat(s.mid()).isEqualTo(7);
            assertThat(s.key()).isEqualTo("key:ok:7");
            assertThat(s.accepts()).containsExactlyInAnyOrder(1000, 1001);
        });
        assertThat(h.listener.auths.getFirst().platform()).isEqualTo("test");
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://1000", 1));
        assertThat(h.registry.get(CometMetrics.CONNECTIONS).gauge().value()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void bilibiliAuthIsAnsweredWithCode0AndHeartbeatsWithPopularity(Wire wire) {
        h = CometHarness.start();
        PacketClient c = h.connect(wire);
        c.send(bilibiliAuth(9, "ok:9", 5000, 2));

        Packet reply = c.next();
        assertThat(reply.ver()).isZero();
        assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
        assertThat(reply.bodyText()).isEqualTo("{\"code\":0}");
        assertThat(h.listener.connects).singleElement().extracting(Session::room).isEqualTo("live://5000");

        c.send(heartbeat(3));
        Packet hb = c.next();
        assertThat(hb.ver()).isEqualTo(1);
        assertThat(hb.op()).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(hb.seq()).isEqualTo(3);
        assertThat(hb.body()).containsExactly(0, 0, 0, 1);
        await().until(() -> h.listener.heartbeats.size() == 1);
        assertThat(h.listener.heartbeats.getFirst().key()).isEqualTo("key:ok:9");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void refusedAuthClosesTheConnection(Wire wire) {
        h = CometHarness.start();
        PacketClient c = h.connect(wire);
        c.send(goimAuth(1, 3, "forged", "live://1"));

        c.awaitClosed();
        assertThat(c.received()).isEmpty();
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.REFUSED)).isEqualTo(1);
        assertThat(h.comet.connections()).isZero();
        assertThat(h.listener.disconnects).isEmpty();
    }

    @Test
    void aFailingListenerClosesTheConnectionAndCountsAnError() {
        h = CometHarness.start();
        PacketClient c = h.connect(Wire.TCP);
        c.send(goimAuth(1, 3, "boom", "live://1"));

        c.awaitClosed();
        assertThat(c.received()).isEmpty();
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.ERROR)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aFirstPacketOtherThanAuthClosesOnlyThatConnection(Wire wire) {
        h = CometHarness.start();
        PacketClient good = h.goim(Wire.TCP, 1, "live://1");
        PacketClient bad = h.connect(wire);
        bad.send(heartbeat(1));

        bad.awaitClosed();
        assertThat(bad.received()).isEmpty();
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.PROTOCOL)).isEqualTo(1);
        assertThat(h.listener.auths).hasSize(1);
        assertThat(heartbeatOnline(good)).isEqualTo(1);
    }

    @Test
    void anAuthBodyThatIsNotJsonCloses() {
        h = CometHarness.start();
        PacketClient c = h.connect(Wire.TCP);
        c.send(Packet.of(1, Op.AUTH, 1, "not json"));

        c.awaitClosed();
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.PROTOCOL)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void noAuthWithinTheHandshakeTimeoutCloses(Wire wire) {
        h = new CometHarness(CometHarness.BASE.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30)));
        PacketClient c = h.connect(wire);

        await().atLeast(Duration.ofMillis(150)).atMost(Duration.ofSeconds(5)).until(c::isClosed);
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void anAuthenticatedConnectionSilentPastTheHeartbeatTimeoutIsClosed() {
        h = new CometHarness(CometHarness.BASE.withTimeouts(Duration.ofSeconds(3), Duration.ofMillis(300)));
        PacketClient quiet = h.goim(Wire.TCP, 1, "live://1");

        await().atMost(Duration.ofSeconds(5)).until(quiet::isClosed);
        await().until(() -> h.listener.disconnects.size() == 1);
        assertThat(h.comet.connections()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aReconnectWithTheSameKeyReplacesTheOldConnection(Wire wire) {
        h = CometHarness.start();
        PacketClient old = h.goim(wire, 5, "live://1");
        PacketClient fresh = h.goim(wire, 5, "live://2");

        old.awaitClosed();
        assertThat(h.comet.connections()).isEqualTo(1);
        await().until(() -> h.comet.rooms().equals(Map.of("live://2", 1)));
        assertThat(h.comet.pushKeys(List.of("key:ok:5"), 1000, "hi".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
        Packet push = fresh.next();
        assertThat(push.op()).isEqualTo(1000);
        assertThat(push.bodyText()).isEqualTo("hi");

        // logic keeps the key's route: only the last connection's end is a disconnect
        fresh.close();
        await().until(() -> !h.listener.disconnects.isEmpty());
        assertThat(h.listener.disconnects).singleElement().extracting(Session::room).isEqualTo("live://2");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void anonymousViewersJoinReadOnlyWhenAllowed(Wire wire) {
        h = CometHarness.start();
        PacketClient anon = h.bilibili(wire, 0, "", 77, 0);
        assertThat(h.listener.auths).as("logic is not asked about anonymous viewers").isEmpty();
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://77", 1));

        h.comet.broadcastRoom("live://77", 1000, "{\"cmd\":\"DANMU_MSG\"}".getBytes(StandardCharsets.UTF_8));
        Packet msg = anon.next();
        assertThat(msg.op()).isEqualTo(Op.SEND_MSG_REPLY);
        assertThat(msg.bodyText()).isEqualTo("{\"cmd\":\"DANMU_MSG\"}");

        // read-only: a message is not answered, yet the connection stays
        anon.send(Packet.of(1, Op.SEND_MSG, 4, "hello"));
        assertThat(heartbeatOnline(anon)).isEqualTo(1);
        assertThat(anon.isClosed()).isFalse();
    }

    @Test
    void aBrowserWithoutAKeyIsKnownByItsSessionCookieFromItsOwnHost() {
        h = CometHarness.start();
        PacketClient c = h.connectWs(Map.of("Cookie", "bili_jct=x; SESSDATA=ok:9", "Origin", "http://127.0.0.1:8080"));
        c.send(bilibiliAuth(9, "", 5000, 1));

        assertThat(c.next().bodyText()).isEqualTo("{\"code\":0}");
        assertThat(h.listener.auths).singleElement().extracting(Auth::key).isEqualTo("ok:9");
        assertThat(h.listener.connects).singleElement().extracting(Session::mid).isEqualTo(9L);
    }

    @Test
    void anotherSitesPageDoesNotConnectAsItsVisitor() {
        h = CometHarness.start();
        PacketClient c = h.connectWs(Map.of("Cookie", "SESSDATA=ok:9", "Origin", "https://elsewhere.example"));
        c.send(bilibiliAuth(0, "", 5000, 1));

        assertThat(c.next().bodyText()).isEqualTo("{\"code\":0}");
        assertThat(h.listener.auths).as("the cookie is not used: an anonymous viewer").isEmpty();
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://5000", 1));
    }

    @Test
    void aRefusedCookieLeavesTheViewerAnonymousAsAsked() {
        h = CometHarness.start();
        PacketClient c = h.connectWs(Map.of("Cookie", "SESSDATA=expired", "Origin", "http://127.0.0.1:8080"));
        c.send(bilibiliAuth(0, "", 5000, 1));

        assertThat(c.next().bodyText()).isEqualTo("{\"code\":0}");
        assertThat(h.listener.auths).singleElement().extracting(Auth::key).isEqualTo("expired");
        assertThat(h.listener.connects).isEmpty();
        assertThat(h.comet.rooms()).isEqualTo(Map.of("live://5000", 1));
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.REFUSED)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void anonymousViewersAreRefusedWhenConfigSaysSo(Wire wire) {
        h = new CometHarness(CometHarness.BASE.withAllowAnonymous(false));
        PacketClient anon = h.connect(wire);
        anon.send(bilibiliAuth(0, "", 77, 0));

        anon.awaitClosed();
        assertThat(anon.received()).isEmpty();
        assertThat(h.count(CometMetrics.AUTH_FAILURES, "reason", CometMetrics.ANONYMOUS)).isEqualTo(1);
        // an account still gets in
        PacketClient member = h.bilibili(wire, 8, "ok:8", 77, 0);
        assertThat(heartbeatOnline(member)).isEqualTo(1);
    }

    @Test
    void packetsRightBehindTheAuthAreAnsweredAfterTheAuthReply() {
        h = CometHarness.start();
        PacketClient c = h.connect(Wire.TCP);
        byte[] auth = goimAuth(1, 2, "ok:2", "live://9").toBytes();
        byte[] hb = heartbeat(2).toBytes();
        byte[] both = new byte[auth.length + hb.length];
        System.arraycopy(auth, 0, both, 0, auth.length);
        System.arraycopy(hb, 0, both, auth.length, hb.length);
        c.sendRaw(both);

        assertThat(c.next().op()).isEqualTo(Op.AUTH_REPLY);
        Packet reply = c.next();
        assertThat(reply.op()).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(reply.body()).containsExactly(0, 0, 0, 1);
        assertThat(Set.copyOf(h.comet.rooms().keySet())).containsExactly("live://9");
    }
}
