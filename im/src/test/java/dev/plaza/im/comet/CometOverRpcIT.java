package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.api.im.v1.CometGrpc;
import dev.plaza.api.im.v1.ConnectReply;
import dev.plaza.api.im.v1.ConnectRequest;
import dev.plaza.api.im.v1.DisconnectReply;
import dev.plaza.api.im.v1.DisconnectRequest;
import dev.plaza.api.im.v1.LogicGrpc;
import dev.plaza.api.im.v1.PushKeysRequest;
import dev.plaza.api.im.v1.RoomsRequest;
import dev.plaza.im.comet.rpc.CometGrpcService;
import dev.plaza.im.comet.rpc.LogicCometListener;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.Packets;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The comet's gRPC adapters end to end: auth through a logic service over gRPC (a fake of the logic API, served by
 * the kit's server), and pushes from a job's point of view through the comet's gRPC service, to a real TCP client.
 */
class CometOverRpcIT {
    private final Queue<ConnectRequest> connects = new ConcurrentLinkedQueue<>();
    private final Queue<DisconnectRequest> disconnects = new ConcurrentLinkedQueue<>();
    private Comet comet;
    private RpcServer rpc;
    private RpcClient channel;
    private TcpClient client;

    /** Token "good" is user 7 with key k-7; any other token is refused as logic refuses it (-101). */
    private final class FakeLogic extends LogicGrpc.LogicImplBase {
        @Override
        public void connect(ConnectRequest r, StreamObserver<ConnectReply> out) {
            connects.add(r);
            if (!r.getToken().equals("good")) {
                throw PlazaError.notLoggedIn("session is invalid or expired");
            }
            out.onNext(ConnectReply.newBuilder().setMid(7).setKey("k-7").setRoom(r.getRoom()).setHeartbeat(30)
                    .build());
            out.onCompleted();
        }

        @Override
        public void disconnect(DisconnectRequest r, StreamObserver<DisconnectReply> out) {
            disconnects.add(r);
            out.onNext(DisconnectReply.newBuilder().setRemoved(true).build());
            out.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = "comet-rpc-" + System.nanoTime();
        channel = RpcChannels.builder("test").build().inProcess(name);
        // no batch delay, as when the job batches: the two bodies of one BroadcastRoom must still arrive as one batch
        comet = new Comet(CometHarness.BASE.withPorts(0, -1).withBatching(Duration.ZERO, 64),
                new LogicCometListener(LogicGrpc.newBlockingStub(channel), "comet-1"), new SimpleMeterRegistry());
        rpc = RpcServer.builder(name).inProcess(name).addService(new FakeLogic())
                .addService(new CometGrpcService(comet)).build();
        rpc.start();
        comet.start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        comet.close();
        channel.close();
        rpc.close();
    }

    private TcpClient goim(String token, String room) {
        TcpClient c = TcpClient.connect(comet.tcpPort());
        c.send(Packet.of(1, Op.AUTH, 1, "{\"mid\":7,\"key\":\"" + token + "\",\"room_id\":\"" + room + "\"}"));
        return c;
    }

    @Test
    void logicAuthenticatesAndTheJobsPushesReachTheClient() {
        client = goim("good", "live://5");
        assertThat(client.next().op()).isEqualTo(Op.AUTH_REPLY);
        ConnectRequest seen = connects.peek();
        assertThat(seen.getServer()).isEqualTo("comet-1");
        assertThat(seen.getMid()).isEqualTo(7);
        assertThat(seen.getRoom()).isEqualTo("live://5");

        CometGrpc.CometBlockingStub stub = CometGrpc.newBlockingStub(channel);
        assertThat(stub.pushKeys(PushKeysRequest.newBuilder().addKeys("k-7").addKeys("nobody").setOp(1000)
                .setBody(ByteString.copyFromUtf8("to you")).build()).getDelivered()).isEqualTo(1);
        Packet p = client.next();
        assertThat(p.op()).isEqualTo(1000);
        assertThat(p.bodyText()).isEqualTo("to you");

        stub.broadcastRoom(BroadcastRoomRequest.newBuilder().setRoom("live://5").setOp(1000)
                .addBodies(ByteString.copyFromUtf8("a")).addBodies(ByteString.copyFromUtf8("b")).build());
        Packet batch = client.next();
        assertThat(batch.op()).isEqualTo(Op.RAW);
        List<Packet> inner = Packets.readAll(Unpooled.wrappedBuffer(batch.body()), 4096);
        assertThat(inner).extracting(Packet::bodyText).containsExactly("a", "b");
        assertThat(stub.rooms(RoomsRequest.getDefaultInstance()).getOnlineMap()).containsEntry("live://5", 1);

        client.close();
        await().until(() -> !disconnects.isEmpty());
        assertThat(disconnects.peek().getKey()).isEqualTo("k-7");
        assertThat(disconnects.peek().getServer()).isEqualTo("comet-1");
    }

    @Test
    void aTokenLogicRefusesClosesTheConnection() {
        client = goim("stale", "live://5");
        client.awaitClosed();
        assertThat(connects).hasSize(1);
        assertThat(comet.connections()).isZero();
    }
}
