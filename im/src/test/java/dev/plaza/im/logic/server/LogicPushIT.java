package dev.plaza.im.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.api.im.v1.ConnectReply;
import dev.plaza.api.im.v1.ConnectRequest;
import dev.plaza.api.im.v1.DisconnectRequest;
import dev.plaza.api.im.v1.HeartbeatRequest;
import dev.plaza.api.im.v1.LogicGrpc;
import dev.plaza.api.im.v1.LogicPushAllRequest;
import dev.plaza.api.im.v1.LogicPushKeysRequest;
import dev.plaza.api.im.v1.LogicPushMidsRequest;
import dev.plaza.api.im.v1.LogicPushRoomRequest;
import dev.plaza.api.im.v1.PushMsg;
import dev.plaza.api.im.v1.RenewOnlineRequest;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqConsumer;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqRecord;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The logic role on real Redis and Kafka: Connect through a (fake) account service over gRPC, routes in Redis, and
 * every push (gRPC and goim's HTTP API) landing in Kafka as the right PushMsg with the right key.
 */
@RequiresEngines({EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogicPushIT {
    private static final int REDIS_DB = 6;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Redis redis;
    private KafkaConfig kafka;
    private MqProducer producer;
    private RpcServer accountServer;
    private RpcClient accountChannel;

    // per test
    private String topic;
    private LogicServer logic;
    private RpcServer logicRpc;
    private RpcClient logicChannel;
    private LogicGrpc.LogicBlockingStub stub;
    private MqConsumer reader;
    private final List<MqRecord> records = new CopyOnWriteArrayList<>();

    /** The account service as logic sees it: tokens "good-<mid>" are that user, anything else TOKEN_INVALID. */
    static final class FakeAccount extends AccountGrpc.AccountImplBase {
        @Override
        public void resolveToken(ResolveTokenRequest r, StreamObserver<ResolveTokenReply> out) {
            if (r.getToken().equals("down")) {
                throw PlazaError.overloaded("ACCOUNT_OVERLOADED", "try later");
            }
            if (!r.getToken().startsWith("good-")) {
                throw PlazaError.of(ErrorCode.NOT_LOGGED_IN, "TOKEN_INVALID", "session is invalid or expired");
            }
            out.onNext(ResolveTokenReply.newBuilder().setMid(Long.parseLong(r.getToken().substring(5)))
                    .setName("u").build());
            out.onCompleted();
        }
    }

    @BeforeAll
    void engines(Endpoints endpoints) throws Exception {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
        kafka = KafkaConfig.of(endpoints.kafkaBootstrap(), "im-logic-it");
        producer = MqProducer.create(kafka, meters, OpenTelemetry.noop());
        String name = "account-" + UUID.randomUUID();
        accountServer = RpcServer.builder(name).inProcess(name).addService(new FakeAccount()).build();
        accountServer.start();
        accountChannel = RpcChannels.builder("im-logic-it").build().inProcess(name);
    }

    @BeforeEach
    void start() throws Exception {
        redis.sync().flushdb();
        topic = "im-push-it-" + UUID.randomUUID();
        LogicConfig d = LogicConfig.defaults();
        LogicConfig cfg = new LogicConfig(true, d.heartbeat(), d.routeTtl(), d.onlineTtl(), Duration.ZERO, topic, 2,
                d.maxBodyBytes(), d.maxTargets(), d.accountTimeout(), true, "127.0.0.1", 0);
        logic = LogicServer.create(cfg, redis, producer, kafka, AccountGrpc.newBlockingStub(accountChannel), meters,
                OpenTelemetry.noop(), Clock.systemUTC());
        logic.start();
        String name = "logic-" + UUID.randomUUID();
        logicRpc = RpcServer.builder(name).inProcess(name).addService(logic.grpcService()).build();
        logicRpc.start();
        logicChannel = RpcChannels.builder("im-logic-it").build().inProcess(name);
        stub = LogicGrpc.newBlockingStub(logicChannel);
        records.clear();
        reader = MqConsumer.builder(kafka, "reader-" + UUID.randomUUID(), List.of(topic))
                .handler(records::add).build();
        reader.start();
    }

    @AfterEach
    void stop() {
        reader.close();
        logicChannel.close();
        logicRpc.close();
        logic.close();
    }

    @AfterAll
    void close() {
        accountChannel.close();
        accountServer.close();
        producer.close();
        redis.close();
    }

    private ConnectReply connect(String server, String token, long mid, String room) {
        return stub.connect(ConnectRequest.newBuilder().setServer(server).setToken(token).setMid(mid).setRoom(room)
                .build());
    }

    private static PushMsg msg(MqRecord r) {
        try {
            return PushMsg.parseFrom(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static PlazaError grpcError(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return GrpcErrors.fromThrowable(e);
        }
        throw new AssertionError("expected the call to fail");
    }

    /** Pushes a marker to room sentinel://1 and waits for it: everything published before it is in by then. */
    private List<PushMsg> allUpToSentinel() {
        stub.pushRoom(LogicPushRoomRequest.newBuilder().setRoom("sentinel://1").setOp(1)
                .setBody(ByteString.copyFromUtf8("end")).build());
        await().atMost(WAIT).until(() -> records.stream().anyMatch(r -> "sentinel://1".equals(r.key())));
        List<PushMsg> out = new ArrayList<>();
        records.stream().filter(r -> !"sentinel://1".equals(r.key())).forEach(r -> out.add(msg(r)));
        return out;
    }

    private JsonNode post(String pathAndQuery, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + logic.httpPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    @Test
    void connectResolvesTheTokenAndRegistersTheRoute() {
        ConnectReply c = connect("comet-a", "good-42", 42, "live://1000");
        assertThat(c.getMid()).isEqualTo(42);
        assertThat(c.getRoom()).isEqualTo("live://1000");
        assertThat(c.getHeartbeat()).isEqualTo(30);
        assertThat(redis.sync().get("im:key:" + c.getKey())).isEqualTo("comet-a");
        assertThat(redis.sync().hget("im:mid:42", c.getKey())).isEqualTo("comet-a");

        ConnectReply anonymous = connect("comet-a", "", 0, "live://1000");
        assertThat(anonymous.getMid()).isZero();
        assertThat(anonymous.getKey()).isNotEqualTo(c.getKey());

        stub.heartbeat(HeartbeatRequest.newBuilder().setMid(42).setKey(c.getKey()).setServer("comet-a").build());
        assertThat(stub.disconnect(DisconnectRequest.newBuilder().setMid(42).setKey(c.getKey()).setServer("comet-a")
                .build()).getRemoved()).isTrue();
        assertThat(redis.sync().exists("im:key:" + c.getKey(), "im:mid:42")).isZero();
    }

    @Test
    void badTokensAndWrongMidsAreUnauthenticatedAndAnUnavailableAccountIsNot() {
        assertThatThrownBy(() -> connect("comet-a", "bogus", 0, ""))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        PlazaError bad = grpcError(() -> connect("comet-a", "bogus", 0, ""));
        assertThat(bad.code()).isEqualTo(-101);
        assertThat(bad.reason()).isEqualTo("TOKEN_INVALID");
        PlazaError mismatch = grpcError(() -> connect("comet-a", "good-42", 43, ""));
        assertThat(mismatch.code()).isEqualTo(-101);
        assertThat(mismatch.reason()).isEqualTo("MID_MISMATCH");
        assertThat(grpcError(() -> connect("comet-a", "down", 0, "")).code()).isEqualTo(-503);
        assertThat(redis.sync().keys("im:*")).as("no route for refused connections").isEmpty();
    }

    @Test
    void renewOnlineAnswersTheSumOfBothComets() {
        stub.renewOnline(RenewOnlineRequest.newBuilder().setServer("comet-a").putOnline("live://1", 3).build());
        Map<String, Integer> sum = stub.renewOnline(RenewOnlineRequest.newBuilder().setServer("comet-b")
                .putOnline("live://1", 4).putOnline("live://2", 1).build()).getOnlineMap();
        assertThat(sum).isEqualTo(Map.of("live://1", 7, "live://2", 1));
    }

    @Test
    void grpcPushesLandInKafkaAsTheRightPushMsgWithTheRightKey() {
        ConnectReply a1 = connect("comet-a", "good-1", 1, "");
        ConnectReply b1 = connect("comet-b", "good-1", 1, "");
        ConnectReply a2 = connect("comet-a", "good-2", 2, "");
        ByteString body = ByteString.copyFromUtf8("{\"cmd\":\"DANMU_MSG\"}");

        stub.pushKeys(LogicPushKeysRequest.newBuilder().addKeys(a1.getKey()).addKeys(b1.getKey()).addKeys("gone")
                .setOp(1000).setBody(body).build());
        await().atMost(WAIT).until(() -> records.size() == 2);
        assertThat(records).extracting(MqRecord::key).containsExactlyInAnyOrder("comet-a", "comet-b");
        for (MqRecord r : records) {
            PushMsg m = msg(r);
            assertThat(m.getType()).isEqualTo(PushMsg.Type.KEYS);
            assertThat(m.getServer()).isEqualTo(r.key());
            assertThat(m.getOp()).isEqualTo(1000);
            assertThat(m.getBody()).isEqualTo(body);
            assertThat(m.getKeysList()).containsExactly(r.key().equals("comet-a") ? a1.getKey() : b1.getKey());
        }

        records.clear();
        stub.pushMids(LogicPushMidsRequest.newBuilder().addMids(1).addMids(2).setOp(5).setBody(body).build());
        await().atMost(WAIT).until(() -> records.size() == 2);
        MqRecord toA = records.stream().filter(r -> r.key().equals("comet-a")).findFirst().orElseThrow();
        assertThat(msg(toA).getKeysList()).containsExactlyInAnyOrder(a1.getKey(), a2.getKey());

        records.clear();
        stub.pushRoom(LogicPushRoomRequest.newBuilder().setRoom("live://1000").setOp(5).setBody(body).build());
        stub.pushAll(LogicPushAllRequest.newBuilder().setOp(6).setBody(body).setSpeed(300).build());
        await().atMost(WAIT).until(() -> records.size() == 2);
        MqRecord room = records.stream().filter(r -> r.key() != null).findFirst().orElseThrow();
        assertThat(room.key()).isEqualTo("live://1000");
        assertThat(msg(room).getType()).isEqualTo(PushMsg.Type.ROOM);
        assertThat(msg(room).getRoom()).isEqualTo("live://1000");
        MqRecord all = records.stream().filter(r -> r.key() == null).findFirst().orElseThrow();
        assertThat(msg(all).getType()).isEqualTo(PushMsg.Type.BROADCAST);
        assertThat(msg(all).getSpeed()).isEqualTo(300);
        assertThat(msg(all).getOp()).isEqualTo(6);
    }

    @Test
    void badGrpcPushesAreInvalidArgumentAndPublishNothing() {
        ConnectReply a1 = connect("comet-a", "good-1", 1, "");
        ByteString body = ByteString.copyFromUtf8("x");
        List<Runnable> bad = List.of(
                () -> stub.pushRoom(LogicPushRoomRequest.newBuilder().setRoom("live1000").setOp(5).setBody(body).build()),
                () -> stub.pushRoom(LogicPushRoomRequest.newBuilder().setRoom("live://1").setOp(0).setBody(body).build()),
                () -> stub.pushKeys(LogicPushKeysRequest.newBuilder().addKeys(a1.getKey()).setOp(5).build()),
                () -> stub.pushKeys(LogicPushKeysRequest.newBuilder().addKeys(a1.getKey()).setOp(5)
                        .setBody(ByteString.copyFrom(new byte[64 * 1024 + 1])).build()),
                () -> stub.pushMids(LogicPushMidsRequest.newBuilder().addMids(0).setOp(5).setBody(body).build()),
                () -> stub.pushAll(LogicPushAllRequest.newBuilder().setOp(5).setBody(body).setSpeed(-1).build()));
        for (Runnable r : bad) {
            PlazaError e = grpcError(r);
            assertThat(e.code()).isEqualTo(-400);
            assertThat(e.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(allUpToSentinel()).isEmpty();
    }

    @Test
    void theHttpPushApiAnswersTheEnvelopeAndPublishesTheRawBody() throws Exception {
        ConnectReply a1 = connect("comet-a", "good-1", 1, "");
        ConnectReply b2 = connect("comet-b", "good-2", 2, "");
        byte[] danmaku = "{\"cmd\":\"DANMU_MSG\",\"info\":[\"hi\"]}".getBytes(StandardCharsets.UTF_8);

        JsonNode keys = post("/goim/push/keys?operation=1000&keys=" + a1.getKey(), danmaku, null);
        assertThat(keys.path("code").asInt()).isEqualTo(0);
        assertThat(keys.path("message").asText()).isEqualTo("0");
        assertThat(post("/goim/push/mids?operation=5&mids=1,2", danmaku, "application/octet-stream")
                .path("code").asInt()).isZero();
        // a body that looks like a form is still the message, not parameters
        byte[] formLike = "operation=7&keys=zzz".getBytes(StandardCharsets.UTF_8);
        assertThat(post("/goim/push/room?operation=5&type=live&room=1000", formLike,
                "application/x-www-form-urlencoded").path("code").asInt()).isZero();
        assertThat(post("/goim/push/all?operation=6&speed=10", danmaku, "text/plain").path("code").asInt()).isZero();

        List<PushMsg> got = allUpToSentinel();
        assertThat(got).hasSize(5); // keys: comet-a; mids: comet-a and comet-b; room; all
        // partitions interleave: pick the messages out by what they are
        PushMsg keys1 = got.stream().filter(m -> m.getOp() == 1000).findFirst().orElseThrow();
        assertThat(keys1.getType()).isEqualTo(PushMsg.Type.KEYS);
        assertThat(keys1.getServer()).isEqualTo("comet-a");
        assertThat(keys1.getKeysList()).containsExactly(a1.getKey());
        assertThat(keys1.getBody().toByteArray()).isEqualTo(danmaku);
        List<PushMsg> mids = got.stream().filter(m -> m.getType() == PushMsg.Type.KEYS && m.getOp() == 5).toList();
        assertThat(mids).extracting(PushMsg::getServer).containsExactlyInAnyOrder("comet-a", "comet-b");
        assertThat(mids).flatExtracting(PushMsg::getKeysList).containsExactlyInAnyOrder(a1.getKey(), b2.getKey());
        PushMsg room = got.stream().filter(m -> m.getType() == PushMsg.Type.ROOM).findFirst().orElseThrow();
        assertThat(room.getRoom()).isEqualTo("live://1000");
        assertThat(room.getOp()).isEqualTo(5);
        assertThat(room.getBody().toByteArray()).isEqualTo(formLike);
        PushMsg all = got.stream().filter(m -> m.getType() == PushMsg.Type.BROADCAST).findFirst().orElseThrow();
        assertThat(all.getSpeed()).isEqualTo(10);
        assertThat(all.getOp()).isEqualTo(6);
        assertThat(all.getBody().toByteArray()).isEqualTo(danmaku);
    }

    @Test
    void badHttpPushesAnswerMinus400AndPublishNothing() throws Exception {
        ConnectReply a1 = connect("comet-a", "good-1", 1, "");
        byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        List<String> bad = List.of(
                "/goim/push/keys?keys=" + a1.getKey(),
                "/goim/push/keys?operation=abc&keys=" + a1.getKey(),
                "/goim/push/keys?operation=0&keys=" + a1.getKey(),
                "/goim/push/keys?operation=5",
                "/goim/push/keys?operation=5&keys=,,",
                "/goim/push/mids?operation=5&mids=1,x",
                "/goim/push/mids?operation=5&mids=-3",
                "/goim/push/room?operation=5&type=live",
                "/goim/push/room?operation=5&type=li%20ve&room=1",
                "/goim/push/room?operation=5&room=1000",
                "/goim/push/all?operation=5&speed=-1",
                "/goim/push/all?operation=5&speed=fast");
        for (String path : bad) {
            JsonNode answer = post(path, body, null);
            assertThat(answer.path("code").asInt()).as(path).isEqualTo(-400);
        }
        assertThat(post("/goim/push/room?operation=5&type=live&room=1", new byte[0], null).path("code").asInt())
                .as("an empty message").isEqualTo(-400);
        assertThat(allUpToSentinel()).isEmpty();
    }
}
