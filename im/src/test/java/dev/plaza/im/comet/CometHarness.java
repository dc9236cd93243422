package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.im.protocol.Dialect;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.Packets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A started comet on ephemeral ports with a fake listener, plus clients that are closed with it. */
final class CometHarness implements AutoCloseable {
    /** Quick batches and a handshake timeout long enough for a slow CI machine. */
    static final CometConfig BASE = CometConfig.defaults().withPorts(0, 0)
            .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30))
            .withBatching(Duration.ofMillis(10), 64);

    final FakeListener listener = new FakeListener();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Comet comet;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<PacketClient> clients = new ArrayList<>();
    private int seq = 100;

    CometHarness(CometConfig config) {
        comet = new Comet(config, listener, registry);
        comet.start();
    }

    static CometHarness start() {
        return new CometHarness(BASE);
    }

    /** A connected client that has not authenticated. */
    PacketClient connect(Wire wire) {
        PacketClient c = switch (wire) {
            case TCP -> TcpClient.connect(comet.tcpPort());
            case WS -> new WsClient(http, comet.wsPort());
        };
        clients.add(c);
        return c;
    }

    /** A WebSocket client whose handshake carries these headers; not authenticated. */
    PacketClient connectWs(Map<String, String> headers) {
        PacketClient c = new WsClient(http, comet.wsPort(), headers);
        clients.add(c);
        return c;
    }

        TcpClient stalledTcp() {
        TcpClient c = TcpClient.stalled(comet.tcpPort());
        clients.add(c);
        return c;
    }

    /** A goim client authenticated as {@code ok:<mid>} in the room, accepting these operations (none: all). */
    PacketClient goim(Wire wire, long mid, String room, Integer... accepts) {
        return goimToken(wire, "ok:" + mid, mid, room, accepts);
    }

    PacketClient goimToken(Wire wire, String token, long mid, String room, Integer... accepts) {
        PacketClient c = connect(wire);
        int s = ++seq;
        c.send(goimAuth(s, mid, token, room, accepts));
        Packet reply = c.next();
        assertThat(reply.op()).as("auth reply op").isEqualTo(Op.AUTH_REPLY);
        assertThat(reply.seq()).isEqualTo(s);
        return c;
    }

    /** A Bilibili live client authenticated in live room {@code roomId}; token empty with uid 0 is anonymous. */
    PacketClient bilibili(Wire wire, long uid, String token, long roomId, int protover) {
        PacketClient c = connect(wire);
        c.send(bilibiliAuth(uid, token, roomId, protover));
        Packet reply = c.next();
        assertThat(reply.op()).as("auth reply op").isEqualTo(Op.AUTH_REPLY);
        assertThat(reply.bodyText()).isEqualTo("{\"code\":0}");
        return c;
    }

    static Packet goimAuth(int seq, long mid, String token, String room, Integer... accepts) {
        String list = Arrays.stream(accepts).map(String::valueOf).collect(Collectors.joining(","));
        return Packet.of(Dialect.VER_GOIM, Op.AUTH, seq, "{\"mid\":" + mid + ",\"key\":\"" + token
                + "\",\"room_id\":\"" + room + "\",\"platform\":\"test\",\"accepts\":[" + list + "]}");
    }

    static Packet bilibiliAuth(long uid, String token, long roomId, int protover) {
        return Packet.of(1, Op.AUTH, 1, "{\"uid\":" + uid + ",\"roomid\":" + roomId + ",\"protover\":" + protover
                + ",\"platform\":\"web\",\"type\":2,\"key\":\"" + token + "\"}");
    }

    static Packet heartbeat(int seq) {
        return Packet.of(1, Op.HEARTBEAT, seq, "[object Object]");
    }

    /** Sends a heartbeat and returns the online count its reply carries. */
    static int heartbeatOnline(PacketClient c) {
        c.send(heartbeat(7));
        Packet reply = c.next();
        assertThat(reply.op()).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(reply.seq()).isEqualTo(7);
        assertThat(reply.body()).hasSize(4);
        return ByteBuffer.wrap(reply.body()).getInt();
    }

    /** The packets inside a goim RAW batch or a decompressed Bilibili batch. */
    static List<Packet> unpack(byte[] body) {
        return Packets.readAll(Unpooled.wrappedBuffer(body), Integer.MAX_VALUE);
    }

    double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        clients.forEach(PacketClient::close);
        comet.close();
        http.close();
    }
}
