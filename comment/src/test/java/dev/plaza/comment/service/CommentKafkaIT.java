package dev.plaza.comment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.account.biz.LoginResult;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.data.cache.RedisCommentCache;
import dev.plaza.comment.data.mq.KafkaCommentEvents;
import dev.plaza.comment.job.CommentJob;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The write and rebuild paths through real Kafka: the service publishes with {@link KafkaCommentEvents} (blocking
 * until acknowledged), the real {@link CommentJob} consumes and applies, and a tap reads the topic to count messages.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommentKafkaIT {
    private CommentTestStack stack;
    private MqProducer producer;
    private CommentJob job;
    private KafkaConsumer<String, byte[]> tap;
    private final List<ConsumerRecord<String, byte[]>> seen = Collections.synchronizedList(new ArrayList<>());
    private HttpTestClient http;
    private LoginResult uploader;
    private LoginResult alice;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        KafkaConfig kafka = KafkaConfig.of(endpoints.kafkaBootstrap(), "comment-kafka-it");
        producer = MqProducer.create(kafka, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                OpenTelemetry.noop());
        stack = CommentTestStack.start(endpoints, "cmt_kafka_it", 8, CommentTestStack.Limits.generous(),
                s -> KafkaCommentEvents.create(producer, kafka, 4));
        job = CommentJob.create(stack.store(), stack.repo(), stack.cache(), kafka, stack.meters(),
                OpenTelemetry.noop());
        job.start();
        tap = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = tap.partitionsFor(KafkaCommentEvents.TOPIC, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        tap.assign(parts);
        tap.seekToEnd(parts);
        parts.forEach(tap::position); // fix the positions now: only what is published from here on is seen
        http = HttpTestClient.local(stack.httpPort());
        uploader = stack.user("uploader_k");
        alice = stack.user("alice_k");
    }

    @AfterAll
    void stop() {
        if (tap != null) {
            tap.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
        if (job != null) {
            job.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    private void poll() {
        for (ConsumerRecord<String, byte[]> r : tap.poll(Duration.ofMillis(200))) {
            seen.add(r);
        }
    }

    private List<CommentEvent> seen(SubjectKey key, CommentEvent.EventCase kind) {
        List<CommentEvent> out = new ArrayList<>();
        synchronized (seen) {
            for (ConsumerRecord<String, byte[]> r : seen) {
                if (!key.kafkaKey().equals(r.key())) {
                    continue;
                }
                try {
                    CommentEvent e = CommentEvent.parseFrom(r.value());
                    if (e.getEventCase() == kind) {
                        out.add(e);
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    private Answer list(long oid, int pn) {
        return http.get("/x/v2/reply").param("type", 1).param("oid", oid).param("pn", pn).send();
    }

    @Test
    void aPostIsAcknowledgedPublishedAndSoonVisible() {
        long oid = stack.video(uploader, "kafka post");
        SubjectKey key = new SubjectKey(1, oid);
        long started = System.nanoTime();
        Answer added = http.post("/x/v2/reply/add").bearer(alice.token()).param("type", 1).param("oid", oid)
                .param("message", "through kafka").send();
        assertThat(added.code()).as(added.toString()).isZero();
        long rpid = added.data().path("rpid").asLong();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            JsonNode replies = list(oid, 1).data().path("replies");
            return replies.size() == 1 && replies.get(0).path("rpid").asLong() == rpid;
        });
        long visibleMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(visibleMs).as("post to visible").isLessThan(2_000);
        assertThat(list(oid, 1).data().path("replies").get(0).path("floor").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            poll();
            return !seen(key, CommentEvent.EventCase.POST).isEmpty();
        });
        ConsumerRecord<String, byte[]> record;
        synchronized (seen) {
            record = seen.stream().filter(r -> key.kafkaKey().equals(r.key())).findFirst().orElseThrow();
        }
        assertThat(new String(record.headers().lastHeader(KafkaCommentEvents.KIND_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("post");
        assertThat(seen(key, CommentEvent.EventCase.POST).getFirst().getPost().getRpid()).isEqualTo(rpid);
    }

    @Test
    void aHundredConcurrentReadersOnAColdSubjectSendExactlyOneRebuildMessage() throws Exception {
        long oid = stack.video(uploader, "kafka cold");
        SubjectKey key = new SubjectKey(1, oid);
        List<Long> roots = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Answer a = http.post("/x/v2/reply/add").bearer(alice.token()).param("type", 1).param("oid", oid)
                    .param("message", "cold " + i).send();
            assertThat(a.code()).as(a.toString()).isZero();
            roots.add(a.data().path("rpid").asLong());
        }
        // wait until the job stored them all
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.repo().subject(key)
                .map(s -> s.rootCount() == 25).orElse(false));
        var redis = stack.redis().sync();
        assertThat(redis.exists(RedisCommentCache.rootIndexKey(key, Sort.TIME))).isZero();
        for (long r : roots) {
            redis.del(RedisCommentCache.replyKey(r));
        }
        redis.del(RedisCommentCache.subjectKey(key));

        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(100)) {
            for (int i = 0; i < 100; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return list(oid, 1);
                }));
            }
            go.countDown();
            for (Future<Answer> f : answers) {
                Answer a = f.get();
                assertThat(a.code()).as(a.toString()).isZero();
                assertThat(a.data().path("replies").size()).isEqualTo(20);
                assertThat(a.data().path("replies").get(0).path("rpid").asLong()).isEqualTo(roots.getLast());
            }
        }
        // the job rebuilds the index from the one message
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.exists(RedisCommentCache.rootIndexKey(key,
                Sort.TIME)) == 1);
        for (int i = 0; i < 10; i++) {
            poll();
        }
        List<CommentEvent> rebuilds = seen(key, CommentEvent.EventCase.REBUILD);
        assertThat(rebuilds).hasSize(1);
        assertThat(rebuilds.getFirst().getRebuild().getSort()).isEqualTo(Sort.TIME.code());
        // and later pages come from it
        long tableReads = stack.reads().stats().tablePageReads();
        assertThat(list(oid, 2).data().path("replies").size()).isEqualTo(5);
        assertThat(stack.reads().stats().tablePageReads()).isEqualTo(tableReads);
    }
}
