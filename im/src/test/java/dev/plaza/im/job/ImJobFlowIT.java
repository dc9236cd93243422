package dev.plaza.im.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.api.im.v1.BroadcastRequest;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.im.logic.biz.Connection;
import dev.plaza.im.logic.server.LogicConfig;
import dev.plaza.im.logic.server.LogicServer;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Logic -> Kafka -> job -> comets on the real engines, with two fake comets (real gRPC Comet services in process):
 * key pushes reach the comet holding the keys, room messages reach every comet in order and batched, broadcasts
 * reach every comet, a restarted job loses nothing, and a dead comet does not hold the other one.
 */
@RequiresEngines({EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImJobFlowIT {
    private static final int REDIS_DB = 6;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Redis redis;
    private KafkaConfig kafka;
    private MqProducer producer;

    // per test
    private String topic;
    private String group;
    private LogicServer logic;
    private FakeComet a;
    private FakeComet b;
    private final List<ImJob> jobs = new ArrayList<>();

    @BeforeAll
    void engines(Endpoints endpoints) {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
        // short sessions, so a member that dies without leaving gives its partitions up within seconds
        kafka = KafkaConfig.of(endpoints.kafkaBootstrap(), "im-job-it")
                .with("consumer.session.timeout.ms", "6000")
                .with("consumer.heartbeat.interval.ms", "1000");
        producer = MqProducer.create(kafka, meters, OpenTelemetry.noop());
    }

    @BeforeEach
    void start() throws Exception {
        redis.sync().flushdb();
        topic = "im-push-job-it-" + UUID.randomUUID();
        group = "im-job-it-" + UUID.randomUUID();
        LogicConfig d = LogicConfig.defaults();
        LogicConfig cfg = new LogicConfig(true, d.heartbeat(), d.routeTtl(), d.onlineTtl(), d.onlineCacheTtl(), topic,
                PARTITIONS, d.maxBodyBytes(), d.maxTargets(), d.accountTimeout(), false, "127.0.0.1", 0);
        // tokens are the mid in decimal: the account service is LogicPushIT's business
        logic = LogicServer.create(cfg, redis, producer, kafka, t -> OptionalLong.of(Long.parseLong(t)), meters,
                OpenTelemetry.noop(), Clock.systemUTC());
        a = new FakeComet();
        b = new FakeComet();
    }

    @AfterEach
    void stop() {
        jobs.forEach(ImJob::close);
        jobs.clear();
        logic.close();
        a.close();
        b.close();
    }

    @AfterAll
    void close() {
        producer.close();
        redis.close();
    }

    private ImJob job() {
        Map<String, io.grpc.Channel> comets = new LinkedHashMap<>();
        comets.put("comet-a", a.channel());
        comets.put("comet-b", b.channel());
        ImJob.Settings s = ImJob.Settings.defaults().withTopic(topic).withGroup(group)
                .withCalls(Duration.ofSeconds(2), 3, Duration.ofMillis(20));
        ImJob j = new ImJob(new StaticCometDirectory(comets), kafka, new ImJob.Settings(s.topic(), s.group(),
                PARTITIONS, s.maxPollRecords(), s.concurrency(), s.roomWindow(), s.roomBatch(), s.callTimeout(),
                s.attempts(), s.backoff()), meters, OpenTelemetry.noop());
        j.start();
        jobs.add(j);
        return j;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toList();
    }

    /** Each body's first arrival, in arrival order (a redelivery after a restart may repeat some). */
    private static List<String> firstArrivals(List<String> bodies) {
        return new ArrayList<>(new LinkedHashSet<>(bodies));
    }

    private double gaveUp(String method) {
        var c = meters.find("im.job.comet.calls").tag("method", method).tag("result", "gave_up").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void keyAndMidPushesReachTheCometsHoldingTheConnections() {
        Connection onA = logic.connections().connect("comet-a", "7", 7, "");
        Connection onB = logic.connections().connect("comet-b", "7", 7, "");
        Connection other = logic.connections().connect("comet-a", "8", 8, "");
        job();

        assertThat(logic.pushes().pushMids(List.of(7L), 1000, utf8("to 7"))).isEqualTo(2);
        assertThat(logic.pushes().pushKeys(List.of(other.key()), 1001, utf8("to 8"))).isEqualTo(1);

        await().atMost(WAIT).until(() -> a.pushKeys.size() == 2 && b.pushKeys.size() == 1);
        assertThat(b.pushKeys.getFirst().getKeysList()).containsExactly(onB.key());
        assertThat(b.pushKeys.getFirst().getOp()).isEqualTo(1000);
        assertThat(b.pushKeys.getFirst().getBody().toStringUtf8()).isEqualTo("to 7");
        assertThat(a.pushKeys).extracting(r -> List.copyOf(r.getKeysList()))
                .containsExactlyInAnyOrder(List.of(onA.key()), List.of(other.key()));
        assertThat(a.rooms).isEmpty();
        assertThat(a.broadcasts).isEmpty();
    }

    @Test
    void aRoomsBackedUpMessagesReachEveryCometInOrderInFullBatches() {
        List<String> sent = range(0, 200);
        for (String m : sent) {
            logic.pushes().pushRoom("live://42", 5, utf8(m)); // in Kafka before the job starts
        }
        job();

        await().atMost(WAIT).until(() -> a.roomBodies("live://42").size() >= 200
                && b.roomBodies("live://42").size() >= 200);
        for (FakeComet c : List.of(a, b)) {
            assertThat(c.roomBodies("live://42")).containsExactlyElementsOf(sent);
            assertThat(c.rooms).allSatisfy(r -> {
                assertThat(r.getBodiesCount()).isBetween(1, 32);
                assertThat(r.getOp()).isEqualTo(5);
            });
            assertThat(c.rooms).as("batched, not one call per message").hasSizeLessThanOrEqualTo(20);
            assertThat(c.rooms).extracting(BroadcastRoomRequest::getBodiesCount).contains(32);
        }
    }

    @Test
    void aRoomsLiveMessagesArriveInOrderAndBatchedWhileSeveralRoomsRun() throws Exception {
        job();
        await().atMost(WAIT).until(() -> jobs.getFirst().isAssigned());
        List<String> rooms = List.of("live://1", "live://2", "live://3");
        try (ExecutorService pushers = Executors.newFixedThreadPool(rooms.size())) {
            List<Future<?>> done = new ArrayList<>();
            for (String room : rooms) {
                done.add(pushers.submit(() -> {
                    for (String m : range(0, 150)) {
                        logic.pushes().pushRoom(room, 5, utf8(room + "#" + m));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        await().atMost(WAIT).until(() -> rooms.stream().allMatch(r -> a.roomBodies(r).size() >= 150
                && b.roomBodies(r).size() >= 150));
        for (String room : rooms) {
            List<String> expected = range(0, 150).stream().map(m -> room + "#" + m).toList();
            for (FakeComet c : List.of(a, b)) {
                assertThat(c.roomBodies(room)).containsExactlyElementsOf(expected);
                long calls = c.rooms.stream().filter(r -> r.getRoom().equals(room)).count();
                assertThat(calls).as("%s batched into fewer calls than messages", room).isLessThan(150);
            }
        }
    }

    @Test
    void aBroadcastReachesEveryCometWithItsShareOfTheSpeed() {
        job();
        logic.pushes().pushAll(5, utf8("everyone"), 1000);
        await().atMost(WAIT).until(() -> a.broadcasts.size() == 1 && b.broadcasts.size() == 1);
        for (FakeComet c : List.of(a, b)) {
            BroadcastRequest r = c.broadcasts.getFirst();
            assertThat(r.getBody().toStringUtf8()).isEqualTo("everyone");
            assertThat(r.getOp()).isEqualTo(5);
            assertThat(r.getSpeed()).isEqualTo(500);
        }
    }

    @Test
    void restartingTheJobMidStreamLosesNothingThatWasInKafka() throws Exception {
        int total = 400;
        ImJob first = job();
        try (ExecutorService pusher = Executors.newSingleThreadExecutor()) {
            Future<?> pushing = pusher.submit(() -> {
                for (String m : range(0, total)) {
                    logic.pushes().pushRoom("live://restart", 5, utf8(m));
                }
                return null;
            });
            await().atMost(WAIT).until(() -> a.roomBodies("live://restart").size() >= 50);
            first.close(); // mid-stream: pushes keep coming while no job runs
            jobs.remove(first);
            int seenBeforeRestart = a.roomBodies("live://restart").size();
            assertThat(seenBeforeRestart).as("the first job stopped before the end").isLessThan(total);
            job();
            pushing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        await().atMost(WAIT).until(() -> new LinkedHashSet<>(a.roomBodies("live://restart")).size() == total
                && new LinkedHashSet<>(b.roomBodies("live://restart")).size() == total);
        for (FakeComet c : List.of(a, b)) {
            // duplicates are allowed (at least once); loss and reordering are not
            assertThat(firstArrivals(c.roomBodies("live://restart"))).containsExactlyElementsOf(range(0, total));
        }
    }

    @Test
    void aDeadCometIsGivenUpOnAndTheOtherStillGetsEverything() {
        b.failNext.set(-1);
        Connection onA = logic.connections().connect("comet-a", "9", 9, "");
        job();
        for (String m : range(0, 20)) {
            logic.pushes().pushRoom("live://5", 5, utf8(m));
        }
        logic.pushes().pushKeys(List.of(onA.key()), 1000, utf8("private"));

        await().atMost(WAIT).until(() -> a.roomBodies("live://5").size() >= 20 && a.pushKeys.size() == 1);
        assertThat(a.roomBodies("live://5")).containsExactlyElementsOf(range(0, 20));
        assertThat(b.rooms).isEmpty();
        // comet-b's attempts end on their own (the other comet did not wait for them)
        await().atMost(WAIT).until(() -> gaveUp("BroadcastRoom") >= 1);
        assertThat(b.refused.get()).as("each message tried 3 times on comet-b").isGreaterThanOrEqualTo(3);
        assertThat(b.rooms).isEmpty();
    }
}
