package dev.plaza.im.pm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesReply;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.Profile;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.im.comet.CometConfig;
import dev.plaza.im.comet.TcpClient;
import dev.plaza.im.job.ImJob;
import dev.plaza.im.job.StaticCometDirectory;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.logic.server.LogicConfig;
import dev.plaza.im.pm.biz.ConversationId;
import dev.plaza.im.pm.biz.MessagePage;
import dev.plaza.im.pm.biz.NewMessage;
import dev.plaza.im.pm.biz.PmConfig;
import dev.plaza.im.pm.biz.PmErrors;
import dev.plaza.im.pm.biz.PmPushBody;
import dev.plaza.im.pm.biz.PmUsecase;
import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.im.pm.biz.SendMessage;
import dev.plaza.im.pm.biz.Session;
import dev.plaza.im.pm.data.db.PmDbConfig;
import dev.plaza.im.pm.data.db.PmShards;
import dev.plaza.im.pm.data.db.ShardedMessageStore;
import dev.plaza.im.pm.job.PmJob;
import dev.plaza.im.pm.server.PmSettings;
import dev.plaza.im.protocol.Dialect;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import dev.plaza.im.server.ImConfig;
import dev.plaza.im.server.ImServer;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.ServiceChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import dev.plaza.kit.text.SensitiveFilter;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Private messages through every real part: the use case stores in MariaDB and notices to Kafka, the pm job pushes
 * through logic (Redis routes, Kafka im-push), the im job delivers to the comet, and a goim client written here reads
 * the pushes off its TCP socket. Each test uses its own pair of users, so they share one stack.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PmFlowIT {
    private static final int REDIS_DB = 8;
    private static final String DATABASE = "plaza_pm_flow_it";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Redis redis;
    private MqProducer producer;
    private RpcServer rpc;
    private RpcClient channel;
    private ImServer im;
    private PmUsecase pm;
    private PmShards rawShards;
    private ShardedMessageStore rawStore;

    /** Every mid from 1 to 999 exists; tokens "good-<mid>" are that user. */
    static final class FakeAccount extends AccountGrpc.AccountImplBase {
        @Override
        public void resolveToken(ResolveTokenRequest r, StreamObserver<ResolveTokenReply> out) {
            out.onNext(ResolveTokenReply.newBuilder().setMid(Long.parseLong(r.getToken().substring(5)))
                    .setName("u").build());
            out.onCompleted();
        }

        @Override
        public void getProfiles(GetProfilesRequest r, StreamObserver<GetProfilesReply> out) {
            GetProfilesReply.Builder b = GetProfilesReply.newBuilder();
            for (long mid : r.getMidsList()) {
                if (mid > 0 && mid < 1000) {
                    b.putProfiles(mid, Profile.newBuilder().setMid(mid).setName("u" + mid).build());
                }
            }
            out.onNext(b.build());
            out.onCompleted();
        }
    }

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
        redis.sync().flushdb();
        endpoints.dropDatabase(DATABASE);
        String run = UUID.randomUUID().toString();
        KafkaConfig kafka = KafkaConfig.of(endpoints.kafkaBootstrap(), "pm-flow-it");
        producer = MqProducer.create(kafka, meters, OpenTelemetry.noop());
        String pushTopic = "im-push-pmit-" + run;
        String pmTopic = "im-pm-it-" + run;
        LogicConfig d = LogicConfig.defaults();
        LogicConfig logic = new LogicConfig(true, d.heartbeat(), d.routeTtl(), d.onlineTtl(), Duration.ZERO,
                pushTopic, 2, d.maxBodyBytes(), d.maxTargets(), d.accountTimeout(), false, "127.0.0.1", 0);
        DbConfig db = new DbConfig(endpoints.jdbcUrl(DATABASE), endpoints.mariadbUser(), endpoints.mariadbPassword(),
                8, Duration.ofSeconds(5));
        PmDbConfig pmDb = new PmDbConfig(List.of(db), 4);
        // a sweep every 300 ms for conversations still for 500 ms, so the lost-notice test does not wait long
        PmSettings pmSettings = new PmSettings(true, new PmConfig(500, Duration.ofMinutes(2), 100_000,
                Duration.ofSeconds(10), 200), 3, pmTopic, pmDb, true,
                new PmJob.Settings(pmTopic, "pm-it-" + run, 4, 4, Duration.ofMillis(300), Duration.ofMillis(500)));
        ImConfig cfg = new ImConfig(true, "comet-pm-it", CometConfig.defaults().withPorts(0, CometConfig.OFF), logic,
                true, ImJob.Settings.defaults().withTopic(pushTopic).withGroup("im-job-pmit-" + run),
                LiveConfig.defaults(), pmSettings);
        String name = "pm-flow-" + run;
        channel = RpcChannels.builder("pm-flow-it").build().inProcess(name);
        im = ImServer.create(cfg, redis, producer, endpoints.kafkaBootstrap(), ServiceChannels.single(channel),
                StaticCometDirectory.of(cfg.server(), channel),
                new SensitiveFilter(List.of(), SensitiveFilter.Mode.REJECT), meters, OpenTelemetry.noop(),
                Clock.systemUTC());
        RpcServer.Builder b = RpcServer.builder(name).inProcess(name).addService(new FakeAccount());
        im.grpcServices().forEach(b::addService);
        rpc = b.build();
        rpc.start();
        im.startLogic();
        im.startComet();
        im.startJob();
        pm = im.pm().usecase();
        rawShards = PmShards.open(pmDb, null);
        rawStore = new ShardedMessageStore(rawShards, Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        if (rawShards != null) {
            rawShards.close();
        }
        if (im != null) {
            im.close();
        }
        if (rpc != null) {
            rpc.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void messagesArriveOnTheReceiversSocketInSeqnoOrderAndCountAsUnread() throws Exception {
        long alice = 11;
        long bob = 12;
        try (TcpClient socket = online(alice)) {
            List<PrivateMessage> sent = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                sent.add(send(bob, alice, "hello " + i));
            }
            assertThat(sent).extracting(PrivateMessage::seqno).containsExactlyElementsOf(range(1, 30));
            List<JsonNode> got = receiveDistinct(socket, 30);
            assertThat(got).extracting(n -> n.get("msg_seqno").asLong()).containsExactlyElementsOf(range(1, 30));
            assertThat(got.get(0).get("sender_uid").asLong()).isEqualTo(bob);
            assertThat(got.get(0).get("content").asText()).isEqualTo("{\"content\":\"hello 1\"}");
            assertThat(got.get(29).get("msg_key").asLong()).isEqualTo(sent.get(29).msgKey());
        }
        Session inbox = awaitSession(alice, bob, 30);
        assertThat(inbox.unread()).isEqualTo(30);
        assertThat(inbox.lastMsg().content()).isEqualTo("{\"content\":\"hello 30\"}");
        Session outbox = awaitSession(bob, alice, 30);
        assertThat(outbox.unread()).as("one's own messages are not unread").isZero();

        pm.ack(alice, bob, Session.TYPE_USER, 25);
        assertThat(pm.session(alice, bob, Session.TYPE_USER).orElseThrow().unread()).isEqualTo(5);
        pm.ack(alice, bob, Session.TYPE_USER, 30);
        Session read = pm.session(alice, bob, Session.TYPE_USER).orElseThrow();
        assertThat(read.unread()).isZero();
        assertThat(read.ackSeqno()).isEqualTo(30);
        assertThat(pm.sessions(alice, 0, 20).sessions()).extracting(Session::talkerMid).contains(bob);
    }

    @Test
    void aDeviceThatWasOfflineCatchesUpBySeqno() throws Exception {
        long alice = 21;
        long bob = 22;
        send(bob, alice, "before");
        awaitSession(alice, bob, 1);
        // alice is offline: the messages are stored and counted, nobody's socket gets them
        for (int i = 1; i <= 5; i++) {
            send(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob : alice, "offline " + i);
        }
        awaitSession(alice, bob, 6);
        try (TcpClient socket = online(alice)) {
            MessagePage page = pm.fetch(alice, bob, Session.TYPE_USER, 1, 0, 20);
            assertThat(page.messages()).extracting(PrivateMessage::seqno).containsExactly(6L, 5L, 4L, 3L, 2L);
            assertThat(page.maxSeqno()).isEqualTo(6);
            assertThat(page.hasMore()).isFalse();
            // and live again: the next one is pushed
            PrivateMessage next = send(bob, alice, "you are back");
            assertThat(receiveDistinct(socket, 1).get(0).get("msg_seqno").asLong()).isEqualTo(next.seqno());
        }
        // bob's other messages count as alice's unread, alice's own do not: before + offline 1, 3, 5 + back
        assertThat(awaitSession(alice, bob, 7).unread()).isEqualTo(5);
    }

    @Test
    void nothingIsLostWhenTheJobStopsMidStream() throws Exception {
        long alice = 31;
        long bob = 32;
        try (TcpClient socket = online(alice)) {
            send(bob, alice, "warm up");
            receiveDistinct(socket, 1);
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 2; i <= 40; i++) {
                    send(bob, alice, "stream " + i);
                    sleep(15);
                }
            });
            sleep(150);
            im.stopJob(); // mid-stream: what it had in hand is redelivered, the rest waits in Kafka
            sleep(500);
            im.startJob();
            sender.join();
            List<JsonNode> got = receiveDistinct(socket, 39);
            assertThat(got).extracting(n -> n.get("msg_seqno").asLong()).containsExactlyElementsOf(range(2, 40));
        }
        assertThat(awaitSession(alice, bob, 40).unread()).isEqualTo(40);
    }

    @Test
    void aRecalledMessageIsAnnouncedBlankedAndNoLongerUnread() throws Exception {
        long alice = 41;
        long bob = 42;
        try (TcpClient socket = online(alice)) {
            PrivateMessage oops = send(bob, alice, "oops");
            PrivateMessage recall = pm.send(new SendMessage(bob, alice, 1, PrivateMessage.TYPE_RECALL,
                    Long.toString(oops.msgKey())));
            assertThat(recall.seqno()).isEqualTo(2);
            assertThat(recall.content()).isEqualTo(Long.toString(oops.msgKey()));
            List<JsonNode> got = receiveDistinct(socket, 2);
            assertThat(got.get(1).get("msg_type").asInt()).isEqualTo(PrivateMessage.TYPE_RECALL);
            assertThat(got.get(1).get("content").asText()).isEqualTo(Long.toString(oops.msgKey()));
        }
        Session inbox = awaitSession(alice, bob, 2);
        assertThat(inbox.unread()).isZero();
        MessagePage page = pm.fetch(alice, bob, Session.TYPE_USER, 0, 0, 20);
        PrivateMessage original = page.messages().get(1);
        assertThat(original.status()).isEqualTo(PrivateMessage.STATUS_RECALLED);
        assertThat(original.content()).isEmpty();
        assertThatThrownBy(() -> pm.send(new SendMessage(bob, alice, 1, PrivateMessage.TYPE_RECALL,
                Long.toString(oops(page).msgKey()))))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code())
                        .isEqualTo(PmErrors.CODE_RECALL_NOT_ALLOWED));
    }

    @Test
    void blockedUsersCannotMessageEachOther() {
        long alice = 51;
        long bob = 52;
        assertThat(pm.block(alice, bob)).isTrue();
        assertThatThrownBy(() -> send(bob, alice, "hi"))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(PmErrors.CODE_BLOCKED));
        assertThatThrownBy(() -> send(alice, bob, "hi"))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(PmErrors.CODE_BLOCKED));
        assertThat(pm.fetch(alice, bob, Session.TYPE_USER, 0, 0, 20).messages()).isEmpty();
        assertThat(pm.unblock(alice, bob)).isTrue();
        assertThat(send(bob, alice, "hi again").seqno()).isEqualTo(1);
    }

    @Test
    void aMessageWhoseNoticeWasLostIsDeliveredByTheSweep() throws Exception {
        long alice = 61;
        long bob = 62;
        try (TcpClient socket = online(alice)) {
            // stored the way the send path stores, but its Kafka notice never written
            PrivateMessage m = rawStore.append(new NewMessage(9_000_000_001L, bob, alice, PrivateMessage.TYPE_TEXT,
                    "{\"content\":\"lost notice\"}", System.currentTimeMillis()));
            assertThat(m.seqno()).isEqualTo(1);
            assertThat(receiveDistinct(socket, 1).get(0).get("msg_key").asLong()).isEqualTo(9_000_000_001L);
        }
        assertThat(awaitSession(alice, bob, 1).unread()).isEqualTo(1);
        assertThat(rawStore.deliveredSeqno(ConversationId.of(alice, bob))).isEqualTo(1);
    }

    private static PrivateMessage oops(MessagePage page) {
        return page.messages().get(1);
    }

    private PrivateMessage send(long from, long to, String text) {
        return pm.send(new SendMessage(from, to, 1, PrivateMessage.TYPE_TEXT,
                JSON.createObjectNode().put("content", text).toString()));
    }

    /** A goim client of {@code mid} on the comet, authenticated (its route is in Redis once the reply came). */
    private TcpClient online(long mid) throws InterruptedException {
        TcpClient c = TcpClient.connect(im.comet().tcpPort());
        c.send(Packet.of(Dialect.VER_GOIM, Op.AUTH, 1, "{\"mid\":" + mid + ",\"key\":\"good-" + mid
                + "\",\"room_id\":\"\",\"platform\":\"test\",\"accepts\":[]}"));
        Packet reply = c.received().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    /**
     * The next {@code n} distinct private messages off the socket, in arrival order. Pushes are at least once, so a
     * client drops a msg_key it has seen, as this does; callers then assert the distinct ones came in seqno order.
     */
    private static List<JsonNode> receiveDistinct(TcpClient socket, int n) throws InterruptedException, IOException {
        List<JsonNode> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            assertThat(left).as("received %s of %s private messages in time", out.size(), n).isPositive();
            Packet p = socket.received().poll(left, TimeUnit.NANOSECONDS);
            if (p == null || p.op() != PmPushBody.OP) {
                continue;
            }
            JsonNode root = JSON.readTree(p.body());
            assertThat(root.get("cmd").asText()).isEqualTo(PmPushBody.CMD);
            JsonNode data = root.get("data");
            if (seen.add(data.get("msg_key").asLong())) {
                out.add(data);
            }
        }
        return out;
    }

    private Session awaitSession(long owner, long talker, long maxSeqno) {
        await().atMost(WAIT).until(() -> pm.session(owner, talker, Session.TYPE_USER)
                .map(s -> s.maxSeqno() >= maxSeqno).orElse(false));
        return pm.session(owner, talker, Session.TYPE_USER).orElseThrow();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
