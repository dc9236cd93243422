package dev.plaza.history.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.HistoryStore;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.DelegatingStore;
import dev.plaza.history.biz.Kid;
import dev.plaza.history.data.db.HistoryDbConfig;
import dev.plaza.history.data.db.HistoryDbFixture;
import dev.plaza.history.data.mq.KafkaFlushSink;
import dev.plaza.history.data.redis.RedisHistoryCache;
import dev.plaza.history.job.HistoryJob;
import dev.plaza.history.job.HistoryJobUsecase;
import dev.plaza.kit.hotkey.HotKeyMetricNames;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The history system end to end on the real engines: reports through the use case into Redis and the merger,
 * flushes through Kafka, the job into the sharded store.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryFlowIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicLong MIDS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000) * 100);

    private Endpoints endpoints;
    private HistoryDbFixture db;
    private Redis redis;
    private KafkaConfig kafka;
    private MqProducer producer;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeAfterEach = new ArrayList<>();

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        this.endpoints = endpoints;
        db = HistoryDbFixture.fresh(endpoints, 4, "history_flow_it");
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/9", Duration.ofSeconds(2)));
        redis.sync().flushdb();
        kafka = kafka(endpoints.kafkaBootstrap());
        producer = MqProducer.create(kafka, meters, OpenTelemetry.noop());
    }

    @AfterEach
    void closeEach() throws Exception {
        for (int i = closeAfterEach.size() - 1; i >= 0; i--) {
            closeAfterEach.get(i).close();
        }
        closeAfterEach.clear();
    }

    @AfterAll
    void stop() {
        producer.close();
        redis.close();
        db.close();
    }

    /** Short session timeouts, so a killed member's partitions move within seconds. */
    static KafkaConfig kafka(String bootstrap) {
        return KafkaConfig.of(bootstrap, "history-flow-it")
                .with("consumer.session.timeout.ms", "6000")
                .with("consumer.heartbeat.interval.ms", "1000");
    }

    private HistoryServer server(Duration flushInterval) {
        return server(flushInterval, meters);
    }

    private HistoryServer server(Duration flushInterval, MeterRegistry registry) {
        HistoryConfig d = HistoryConfig.defaults(new HistoryDbConfig(
                List.of(HistoryDbFixture.db(endpoints, "history_flow_it")), 4));
        HistoryConfig cfg = new HistoryConfig(d.db(), d.cap(), d.cacheTtl(), flushInterval, d.maxPending(),
                d.regions(), d.flushPartitions(), d.retention(), d.cleanupInterval(), d.rpcTimeout(), d.zone(),
                d.job(), d.hot());
        HistoryServer s = HistoryServer.create(cfg, redis, producer, kafka, registry, Clock.systemUTC());
        s.start();
        return s;
    }

    private HistoryJob job(HistoryStore store) {
        HistoryJob j = new HistoryJob(new HistoryJobUsecase(new RedisHistoryCache(redis,
                RedisHistoryCache.Settings.defaults()), store, meters), kafka, HistoryJob.Settings.defaults(), meters,
                OpenTelemetry.noop());
        j.start();
        closeAfterEach.add(j);
        return j;
    }

    private HistoryRecord stored(long mid, long aid) {
        return db.store.list(mid, 0, null, 30).stream().filter(r -> r.kid().equals(Kid.archive(aid))).findFirst()
                .orElse(null);
    }

    @Test
    void aCleanStopFlushesEveryMergedReportAndTheJobWritesThemOnce() {
        long base = MIDS.addAndGet(100);
        HistoryServer s = server(Duration.ofHours(1)); // nothing leaves before the stop
        for (int u = 0; u < 50; u++) {
            for (int v = 1; v <= 10; v++) {
                s.usecase().report(base + u, Kid.archive(v), 1, 10, "web");
                s.usecase().report(base + u, Kid.archive(v), 1, 20 + v, "web"); // merged: the later one wins
            }
        }
        assertThat(s.merger().pending()).isEqualTo(500);
        assertThat(db.store.list(base, 0, null, 30)).as("nothing written before the flush").isEmpty();
        s.close(); // flushes to Kafka
        job(db.store);
        await().atMost(WAIT).untilAsserted(() -> {
            for (int u = 0; u < 50; u++) {
                assertThat(db.store.list(base + u, 0, null, 30)).hasSize(10);
            }
        });
        assertThat(stored(base + 7, 3).progress()).isEqualTo(23);
        assertThat(db.countAll("mid >= ? AND mid < ?", base, base + 50)).isEqualTo(500);
    }

    @Test
    void aJobThatFailsMidBatchLosesNothingAndWritesNothingTwice() {
        long base = MIDS.addAndGet(100);
        HistoryServer s = server(Duration.ofMillis(200));
        closeAfterEach.add(s);
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        // the first batch of several records: half written, then the store "dies"; the consumer offers it again
        HistoryStore flaky = new DelegatingStore(db.store) {
            @Override
            public int upsert(Collection<HistoryRecord> records) {
                calls.incrementAndGet();
                if (records.size() > 1 && failed.compareAndSet(false, true)) {
                    List<HistoryRecord> half = new ArrayList<>(records).subList(0, records.size() / 2);
                    super.upsert(half);
                    throw new IllegalStateException("store went away mid-batch");
                }
                return super.upsert(records);
            }
        };
        job(flaky);
        for (int u = 0; u < 20; u++) {
            for (int v = 1; v <= 5; v++) {
                s.usecase().report(base + u, Kid.archive(v), 1, v, "web");
            }
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(db.countAll("mid >= ? AND mid < ?", base, base + 20)).isEqualTo(100));
        assertThat(failed.get()).as("a batch failed half-way").isTrue();
        assertThat(calls.get()).as("the failed batch was offered again").isGreaterThan(1);
        assertThat(stored(base + 4, 5).progress()).isEqualTo(5);
    }

    @Test
    void concurrentReportsOfOneVideoEndWithTheLatestInRedisAndTheStore() throws Exception {
        long mid = MIDS.addAndGet(100);
        HistoryServer s = server(Duration.ofMillis(200));
        closeAfterEach.add(s);
        job(db.store);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        s.usecase().report(mid, Kid.archive(1), 1, thread * 1000 + i, "web");
                    }
                });
            }
        }
        HistoryRecord latest = s.usecase().resume(mid, Kid.archive(1)).orElseThrow();
        await().atMost(WAIT).untilAsserted(() -> {
            HistoryRecord inStore = stored(mid, 1);
            assertThat(inStore).isNotNull();
            assertThat(inStore.viewAt()).isEqualTo(latest.viewAt());
            assertThat(inStore.progress()).isEqualTo(latest.progress());
        });
        assertThat(db.countAll("mid = ?", mid)).isEqualTo(1);
    }

    @Test
    void aDeleteWinsOverReportsStillOnTheirWayToTheStore() {
        long mid = MIDS.addAndGet(100);
        HistoryServer s = server(Duration.ofHours(1));
        s.usecase().report(mid, Kid.archive(1), 1, 30, "web");
        s.usecase().report(mid, Kid.archive(2), 1, 30, "web");
        s.usecase().delete(mid, List.of(Kid.archive(1))); // the report of video 1 is still in the merger
        s.close();
        job(db.store);
        await().atMost(WAIT).untilAsserted(() -> assertThat(stored(mid, 2)).isNotNull());
        assertThat(stored(mid, 1)).as("deleted before the flush reached the store").isNull();
        assertThat(db.store.list(mid, 0, Business.ARCHIVE, 30)).extracting(HistoryRecord::key)
                .containsExactly(new HistoryKey(mid, Kid.archive(2)));
    }

    private static List<Long> firstPage(HistoryServer s, long mid) {
        return s.usecase().list(mid, 0, null, 20).records().stream().map(r -> r.kid().id()).toList();
    }

    @Test
    void aHotUsersFirstPageIsServedInProcessAndTheirOwnChangesShowInTheNextRead() {
        long mid = MIDS.addAndGet(100);
        SimpleMeterRegistry own = new SimpleMeterRegistry(); // the meters of this server alone
        HistoryServer s = server(Duration.ofHours(1), own);
        closeAfterEach.add(s);
        s.usecase().report(mid, Kid.archive(1), 1, 10, "web");
        for (int i = 0; i < 100; i++) { // a client polling its history page: hot from the 20th read
            assertThat(firstPage(s, mid)).containsExactly(1L);
        }
        assertThat(own.get(HotKeyMetricNames.HOT).tag(HotKeyMetricNames.CACHE, "history.mid").gauge().value())
                .isEqualTo(1);
        assertThat(own.get("history.list.local.hits").functionCounter().count()).isPositive();

        s.usecase().report(mid, Kid.archive(2), 1, 10, "web");
        assertThat(firstPage(s, mid)).containsExactly(2L, 1L);
        s.usecase().delete(mid, List.of(Kid.archive(1)));
        assertThat(firstPage(s, mid)).containsExactly(2L);
        s.usecase().clear(mid);
        assertThat(firstPage(s, mid)).isEmpty();
    }

    @Test
    void aJobKilledMidStreamLosesNothing() throws Exception {
        long base = MIDS.addAndGet(1000);
        KafkaFlushSink sink = new KafkaFlushSink(producer);
        Path log = Path.of("target", "history-job-child.log");
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), HistoryJobChildMain.class.getName()));
        cmd.addAll(HistoryJobChildMain.args(endpoints.jdbcUrl("history_flow_it"), endpoints.mariadbUser(),
                endpoints.mariadbPassword(), endpoints.kafkaBootstrap(), endpoints.redisUri() + "/9", 300));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(WAIT).until(() -> !child.isAlive()
                    || Files.readString(log, StandardCharsets.UTF_8).contains("STARTED"));
            assertThat(child.isAlive()).as("child job started (see %s)", log).isTrue();
            // 40 flushes of 25 records (Redis has none of them: the job writes the messages' copies)
            for (int m = 0; m < 40; m++) {
                List<HistoryRecord> records = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    records.add(new HistoryRecord(new HistoryKey(base + m, Kid.archive(i + 1)), 1, m * 100 + i,
                            "web", 1_000_000L + i));
                }
                sink.publish(m % 16, records);
            }
            await().atMost(WAIT).until(() -> !child.isAlive()
                    || Files.readString(log, StandardCharsets.UTF_8).contains("HUNG"));
            assertThat(child.isAlive()).as("child job still running (see %s)", log).isTrue();
            assertThat(db.countAll("mid >= ? AND mid < ?", base, base + 40)).isBetween(300L, 999L);
            child.destroyForcibly(); // SIGKILL: no close, no commit
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        job(db.store);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(db.countAll("mid >= ? AND mid < ?", base, base + 40)).isEqualTo(1000));
        assertThat(stored(base + 39, 25).progress()).isEqualTo(3924);
    }
}
