package dev.plaza.comment.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.comment.v1.ActionEvent;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.DeleteEvent;
import dev.plaza.api.comment.v1.PinEvent;
import dev.plaza.api.comment.v1.PostEvent;
import dev.plaza.api.comment.v1.RebuildEvent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.data.cache.RedisCommentCache;
import dev.plaza.comment.data.db.CommentDbFixture;
import dev.plaza.comment.data.db.ShardRouter;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The job role end to end on real engines: events published to Kafka reach MariaDB and Redis; a redelivered post
 * makes no duplicate; a job stopped mid-stream, gracefully or with SIGKILL, loses nothing and applies nothing twice
 * once a new one takes over in the same group.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommentJobIT {
    static final CommentJob.Settings SMALL_POLLS = new CommentJob.Settings(8, 4, 10, Duration.ofSeconds(5), 4,
            new JobUsecase.Settings(1000, 2000, 20));
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int REDIS_DB = 11;
    private static final AtomicLong OIDS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000) * 100);

    private Endpoints endpoints;
    private CommentDbFixture db;
    private Redis redis;
    private RedisCommentCache cache;
    private KafkaConfig kafka;
    private MqProducer producer;
    private final List<AutoCloseable> stopAfterEach = new ArrayList<>();

    /** Short session timeouts, so a killed member's partitions move within seconds. */
    static KafkaConfig kafka(String bootstrap, String clientId) {
        return KafkaConfig.of(bootstrap, clientId)
                .with("consumer.session.timeout.ms", "6000")
                .with("consumer.heartbeat.interval.ms", "1000")
                .with("consumer.max.poll.interval.ms", "20000");
    }

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        this.endpoints = endpoints;
        db = CommentDbFixture.fresh(endpoints, "comment_job_it");
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(2)));
        redis.sync().flushdb();
        cache = new RedisCommentCache(redis, RedisCommentCache.Settings.defaults());
        kafka = kafka(endpoints.kafkaBootstrap(), "comment-job-it");
        producer = MqProducer.create(kafka, new SimpleMeterRegistry(), OpenTelemetry.noop());
    }

    @AfterEach
    void stopJobs() throws Exception {
        for (int i = stopAfterEach.size() - 1; i >= 0; i--) {
            stopAfterEach.get(i).close();
        }
        stopAfterEach.clear();
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private CommentJob startJob() {
        return startJob(new SimpleMeterRegistry());
    }

    private CommentJob startJob(SimpleMeterRegistry meters) {
        CommentJob job = CommentJob.create(db.store, db.repo, cache, kafka, SMALL_POLLS, meters, OpenTelemetry.noop());
        stopAfterEach.add(job);
        job.start();
        return job;
    }

    private void publish(SubjectKey key, CommentEvent e) {
        producer.send(CommentJob.TOPIC, key.kafkaKey(), e.toByteArray(), null);
    }

    private static SubjectKey newSubject() {
        return new SubjectKey(SubjectKey.TYPE_VIDEO, OIDS.incrementAndGet());
    }

    private static CommentEvent post(SubjectKey key, long rpid, long mid, long root, long parent) {
        return CommentEvent.newBuilder().setPost(PostEvent.newBuilder().setRpid(rpid).setType(key.type())
                        .setOid(key.oid()).setMid(mid).setRoot(root).setParent(parent).setMessage("m " + rpid)
                        .setOwnerMid(900).setState(0))
                .setEventTime(System.currentTimeMillis()).build();
    }

    private Subject subject(SubjectKey key) {
        return db.repo.subject(key).orElse(null);
    }

    @Test
    void eventsThroughKafkaReachTheTablesAndTheCache() {
        startJob();
        SubjectKey key = newSubject();
        long r1 = CommentDbFixture.id();
        long r2 = CommentDbFixture.id();
        long re = CommentDbFixture.id();
        publish(key, post(key, r1, 1, 0, 0));
        publish(key, post(key, r2, 2, 0, 0));
        publish(key, post(key, re, 3, r1, r1));
        // redelivered (the service's producer retried, or a consumer crashed before its commit): no second comment
        publish(key, post(key, r1, 1, 0, 0));
        publish(key, post(key, re, 3, r1, r1));
        publish(key, CommentEvent.newBuilder().setAction(ActionEvent.newBuilder().setRpid(r2).setType(1)
                .setOid(key.oid()).setMid(5).setKind(1).setAction(1)).build());
        publish(key, CommentEvent.newBuilder().setPin(PinEvent.newBuilder().setRpid(r1).setType(1).setOid(key.oid())
                .setPinned(true)).build());
        // a reply to nothing: dropped, the partition goes on
        publish(key, post(key, CommentDbFixture.id(), 4, 123, 123));
        publish(key, CommentEvent.newBuilder().setRebuild(RebuildEvent.newBuilder().setType(1).setOid(key.oid())
                .setSort(Sort.TIME.code())).build());
        publish(key, CommentEvent.newBuilder().setRebuild(RebuildEvent.newBuilder().setType(1).setOid(key.oid())
                .setRoot(r1)).build());

        await().atMost(WAIT).until(() -> cache.rootPage(key, Sort.TIME, 0, 10).isPresent()
                && cache.replyPage(key, r1, 0, 10).isPresent());
        Subject s = subject(key);
        assertThat(s.floorCount()).isEqualTo(3);
        assertThat(s.rootCount()).isEqualTo(2);
        assertThat(s.allCount()).isEqualTo(3);
        assertThat(s.topRpid()).isEqualTo(r1);
        assertThat(s.ownerMid()).isEqualTo(900);
        assertThat(db.repo.indexes(key, List.of(r2)).get(r2).like()).isEqualTo(1);
        assertThat(db.count(key.oid(), ShardRouter.INDEX, "oid = ?", key.oid())).isEqualTo(3);
        assertThat(cache.rootPage(key, Sort.TIME, 0, 10).get()).containsExactly(r2, r1);
        assertThat(cache.replyPage(key, r1, 0, 10).get()).containsExactly(re);
        assertThat(cache.subject(key)).get().extracting(Subject::allCount).isEqualTo(3);

        // later posts are appended to the cached indexes; a delete takes the comment out of them
        long r3 = CommentDbFixture.id();
        long re2 = CommentDbFixture.id();
        publish(key, post(key, r3, 6, 0, 0));
        publish(key, post(key, re2, 6, r1, re));
        await().atMost(WAIT).until(() -> cache.rootPage(key, Sort.TIME, 0, 10).get().size() == 3
                && cache.replyPage(key, r1, 0, 10).get().size() == 2);
        assertThat(cache.rootPage(key, Sort.TIME, 0, 10).get()).containsExactly(r3, r2, r1);
        assertThat(cache.replyPage(key, r1, 0, 10).get()).containsExactly(re, re2);
        assertThat(db.repo.indexes(key, List.of(re2)).get(re2).dialog()).isEqualTo(re);
        publish(key, CommentEvent.newBuilder().setDelete(DeleteEvent.newBuilder().setRpid(r2).setType(1)
                .setOid(key.oid()).setOperatorMid(2).setBy(1)).build());
        await().atMost(WAIT).until(() -> cache.rootPage(key, Sort.TIME, 0, 10).get().size() == 2);
        assertThat(cache.subject(key)).get().extracting(Subject::allCount).isEqualTo(4);
        assertThat(subject(key).rootCount()).isEqualTo(2);
    }

    @Test
    void aNewVideoOpensItsCommentArea() {
        startJob();
        long aid = OIDS.incrementAndGet();
        producer.send(CommentJob.ARCHIVE_TOPIC, Long.toString(aid), ArchiveEvent.newBuilder()
                .setKind(ArchiveEvent.Kind.CREATED).setArchive(ArchiveInfo.newBuilder().setAid(aid).setOwnerMid(4242))
                .setEventTime(System.currentTimeMillis()).build().toByteArray(), null);
        // garbage on the topic is skipped, not retried forever
        producer.send(CommentJob.ARCHIVE_TOPIC, "x", new byte[]{(byte) 0xff, 1, 2}, null);
        SubjectKey key = new SubjectKey(SubjectKey.TYPE_VIDEO, aid);
        await().atMost(WAIT).until(() -> subject(key) != null);
        assertThat(subject(key).ownerMid()).isEqualTo(4242);
        assertThat(subject(key).floorCount()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ stop mid-stream

    /** Posts for a few subjects, each a mix of roots and replies (to a root or to a reply), with expected counts. */
    private record Stream(Map<SubjectKey, List<CommentEvent>> events, Map<SubjectKey, Integer> roots,
                          Map<Long, Integer> replies) {
        int size() {
            return events.values().stream().mapToInt(List::size).sum();
        }
    }

    private static Stream stream(int subjects, int perSubject, long seed) {
        Random rnd = new Random(seed);
        Map<SubjectKey, List<CommentEvent>> events = new LinkedHashMap<>();
        Map<SubjectKey, Integer> roots = new HashMap<>();
        Map<Long, Integer> replies = new HashMap<>();
        for (int s = 0; s < subjects; s++) {
            SubjectKey key = newSubject();
            List<CommentEvent> list = new ArrayList<>();
            List<Long> rootIds = new ArrayList<>();
            Map<Long, List<Long>> under = new HashMap<>();
            for (int i = 0; i < perSubject; i++) {
                long rpid = CommentDbFixture.id();
                if (rootIds.isEmpty() || rnd.nextInt(3) == 0) {
                    rootIds.add(rpid);
                    list.add(post(key, rpid, 10 + i, 0, 0));
                } else {
                    long root = rootIds.get(rnd.nextInt(rootIds.size()));
                    List<Long> kids = under.computeIfAbsent(root, k -> new ArrayList<>());
                    long parent = kids.isEmpty() || rnd.nextBoolean() ? root : kids.get(rnd.nextInt(kids.size()));
                    kids.add(rpid);
                    replies.merge(root, 1, Integer::sum);
                    list.add(post(key, rpid, 10 + i, root, parent));
                }
            }
            events.put(key, list);
            roots.put(key, rootIds.size());
        }
        return new Stream(events, roots, replies);
    }

    /** Publishes the subjects' events interleaved (each subject's in order, as its partition keeps them). */
    private void publishAll(Stream st) {
        int longest = st.events().values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (Map.Entry<SubjectKey, List<CommentEvent>> e : st.events().entrySet()) {
                if (i < e.getValue().size()) {
                    producer.sendAsync(CommentJob.TOPIC, e.getKey().kafkaKey(), e.getValue().get(i).toByteArray(), null);
                }
            }
        }
        producer.flush();
    }

    private int applied(Stream st) {
        int n = 0;
        for (SubjectKey key : st.events().keySet()) {
            Subject s = subject(key);
            n += s == null ? 0 : s.floorCount();
        }
        return n;
    }

    /** Every event applied exactly once: consecutive floors, one row each, counts that add up. */
    private void assertExactlyOnce(Stream st) {
        for (Map.Entry<SubjectKey, List<CommentEvent>> e : st.events().entrySet()) {
            SubjectKey key = e.getKey();
            int n = e.getValue().size();
            Subject s = subject(key);
            assertThat(s.floorCount()).as("floors of %s", key).isEqualTo(n);
            assertThat(s.allCount()).isEqualTo(n);
            assertThat(s.rootCount()).isEqualTo(st.roots().get(key));
            assertThat(floors(key)).containsExactlyElementsOf(IntStream.rangeClosed(1, n).boxed().toList());
            List<Long> rpids = e.getValue().stream().map(x -> x.getPost().getRpid()).toList();
            Map<Long, ReplyIndex> rows = db.repo.indexes(key, rpids);
            assertThat(rows).hasSize(n);
            assertThat(db.repo.contents(key, rpids)).hasSize(n);
            for (ReplyIndex r : rows.values()) {
                if (r.isRoot()) {
                    int kids = st.replies().getOrDefault(r.rpid(), 0);
                    assertThat(r.rcount()).as("rcount of %s", r.rpid()).isEqualTo(kids);
                    assertThat(r.count()).isEqualTo(kids);
                }
            }
        }
    }

    private List<Integer> floors(SubjectKey key) {
        return db.shards.withConnection(key.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT `floor` FROM "
                    + db.shards.router().indexTable(key.oid()) + " WHERE oid = ? AND type = ? ORDER BY `floor`")) {
                ps.setLong(1, key.oid());
                ps.setInt(2, key.type());
                List<Integer> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getInt(1));
                    }
                }
                return out;
            }
        });
    }

    @Test
    void aJobClosedMidStreamIsTakenOverWithoutLossOrDuplicates() {
        Stream st = stream(3, 40, 7);
        // a slow first job: 20 ms per post
        JobUsecase slow = new JobUsecase(new JobChildMain.Slow(db.store, 20, 0), db.repo, cache,
                SMALL_POLLS.usecase(), java.time.Clock.systemUTC(), new SimpleMeterRegistry());
        CommentJob first = CommentJob.create(slow, kafka, SMALL_POLLS, new SimpleMeterRegistry(), OpenTelemetry.noop());
        stopAfterEach.add(first);
        first.start();
        publishAll(st);
        await().atMost(WAIT).until(() -> applied(st) >= 30);
        first.close();
        int atStop = applied(st);
        assertThat(atStop).isLessThan(st.size());

        startJob();
        await().atMost(WAIT).until(() -> applied(st) == st.size());
        assertExactlyOnce(st);
    }

    @Test
    void aJobKilledMidStreamLosesNothingAndAppliesNothingTwice() throws Exception {
        Stream st = stream(3, 100, 11);
        Path log = Path.of("target", "comment-job-child.log");
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), JobChildMain.class.getName()));
        cmd.addAll(JobChildMain.args(endpoints.jdbcUrl("comment_job_it"), endpoints.mariadbUser(),
                endpoints.mariadbPassword(), endpoints.kafkaBootstrap(), endpoints.redisUri() + "/" + REDIS_DB, 10, 120));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(WAIT).until(() -> !child.isAlive()
                    || Files.readString(log, StandardCharsets.UTF_8).contains("STARTED"));
            assertThat(child.isAlive()).as("child job started (see %s)", log).isTrue();
            publishAll(st);
            // the child writes its 120th post and hangs before its handler returns
            await().atMost(WAIT).until(() -> !child.isAlive()
                    || Files.readString(log, StandardCharsets.UTF_8).contains("HUNG"));
            assertThat(child.isAlive()).as("child job still running (see %s)", log).isTrue();
            assertThat(applied(st)).isEqualTo(120);
            child.destroyForcibly(); // SIGKILL: no close, no commit
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        startJob(meters);
        await().atMost(WAIT).until(() -> applied(st) == st.size());
        assertExactlyOnce(st);
        // at least the post the child hung on was delivered again, and recognised
        assertThat(meters.find("comment.job.events").tag("kind", "post").tag("result", "duplicate").counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(1));
    }
}
