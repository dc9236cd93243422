package dev.plaza.kit.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.log.MdcKeys;
import dev.plaza.kit.trace.TraceContext;
import dev.plaza.kit.trace.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

@RequiresEngines({EngineKind.KAFKA})
class MqConsumerIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.withExporter(1.0, "consumer-it", spans);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KafkaConfig kafka;
    private final MqProducer producer;
    private final List<MqConsumer> consumers = new ArrayList<>();

    MqConsumerIT(Endpoints endpoints) {
        kafka = KafkaConfig.of(endpoints.kafkaBootstrap(), "consumer-it");
        producer = MqProducer.create(kafka, meters, tracing.openTelemetry());
    }

    @AfterEach
    void close() {
        consumers.forEach(MqConsumer::close);
        producer.close();
        tracing.close();
    }

    private MqConsumer.Builder consumer(String group, String topic) {
        return MqConsumer.builder(kafka, group, List.of(topic))
                .meterRegistry(meters)
                .openTelemetry(tracing.openTelemetry())
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .closeTimeout(Duration.ofSeconds(5));
    }

    private MqConsumer started(MqConsumer.Builder b) {
        MqConsumer c = b.build();
        consumers.add(c);
        c.start();
        return c;
    }

    private RecordMetadata send(String topic, String key, String value) {
        return producer.send(topic, key, value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void theHandlerRunsInsideAConsumerSpanThatContinuesTheProducersTrace() {
        String topic = MqTestKafka.unique("traced");
        MqTopics.ensure(kafka, topic, 1);
        Span request = tracing.tracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = TraceContext.activate(request)) {
            producer.send(topic, "k", "v".getBytes(StandardCharsets.UTF_8), Map.of("kind", "post"));
        } finally {
            request.end();
        }

        AtomicReference<MqRecord> got = new AtomicReference<>();
        AtomicReference<SpanContext> current = new AtomicReference<>();
        AtomicReference<String> mdcTrace = new AtomicReference<>();
        started(consumer(MqTestKafka.unique("g"), topic).handler(r -> {
            current.set(Span.current().getSpanContext());
            mdcTrace.set(MDC.get(MdcKeys.TRACE_ID));
            got.set(r);
        }));
        await().atMost(WAIT).until(() -> got.get() != null);

        MqRecord r = got.get();
        assertThat(r.topic()).isEqualTo(topic);
        assertThat(r.key()).isEqualTo("k");
        assertThat(r.valueAsString()).isEqualTo("v");
        assertThat(r.header("kind")).isEqualTo("post");
        SpanData send = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst().orElseThrow();
        assertThat(r.header("traceparent")).startsWith("00-" + send.getTraceId() + "-" + send.getSpanId() + "-");

        await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getKind() == SpanKind.CONSUMER));
        SpanData process = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CONSUMER)
                .findFirst().orElseThrow();
        assertThat(process.getName()).isEqualTo("process " + topic);
        assertThat(process.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(current.get().getSpanId()).isEqualTo(process.getSpanId());
        assertThat(mdcTrace.get()).isEqualTo(process.getTraceId());
    }

    @Test
    void aFailingRecordIsRetriedUntilItSucceedsAndOnlyThenCommitted() throws Exception {
        String topic = MqTestKafka.unique("retry");
        String group = MqTestKafka.unique("g");
        MqTopics.ensure(kafka, topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        send(topic, "k", "a");
        long b = send(topic, "k", "b").offset();

        List<String> calls = new CopyOnWriteArrayList<>();
        List<Long> committedWhileFailing = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        MqConsumer first = started(consumer(group, topic).handler(r -> {
            calls.add(r.valueAsString() + "@" + r.offset());
            if (r.valueAsString().equals("b") && failures.incrementAndGet() <= 2) {
                committedWhileFailing.add(MqTestKafka.committed(kafka.bootstrap(), group).getOrDefault(tp, -1L));
                throw new IllegalStateException("store unavailable (" + failures.get() + ")");
            }
        }));
        await().atMost(WAIT).until(() -> calls.size() >= 4);
        await().atMost(WAIT).until(() -> MqTestKafka.committed(kafka.bootstrap(), group).get(tp), o -> o == b + 1);
        assertThat(calls).containsExactly("a@0", "b@1", "b@1", "b@1");
        assertThat(committedWhileFailing).hasSize(2).allSatisfy(o -> assertThat(o).isLessThanOrEqualTo(b));
        assertThat(meters.get(MqMetricNames.CONSUMER_RECORDS).tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, MqMetricNames.RETRY).counter().count()).isEqualTo(2);
        assertThat(meters.get(MqMetricNames.CONSUMER_RECORDS).tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, MqMetricNames.OK).counter().count()).isEqualTo(2);
        first.close();

        // a new member of the group starts after what was committed
        List<String> later = new CopyOnWriteArrayList<>();
        started(consumer(group, topic).handler(r -> later.add(r.valueAsString())));
        send(topic, "k", "c");
        await().atMost(WAIT).until(() -> later.contains("c"));
        assertThat(later).containsExactly("c");
    }

    @Test
    void aRecordWhoseHandlerNeverSucceededIsDeliveredAgainAfterClose() throws Exception {
        String topic = MqTestKafka.unique("redeliver");
        String group = MqTestKafka.unique("g");
        MqTopics.ensure(kafka, topic, 1);
        long offset = send(topic, "k", "poison-for-now").offset();

        AtomicInteger attempts = new AtomicInteger();
        MqConsumer failing = started(consumer(group, topic).handler(r -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down");
        }));
        await().atMost(WAIT).until(() -> attempts.get() >= 2);
        long start = System.nanoTime();
        failing.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(MqTestKafka.committed(kafka.bootstrap(), group)).isEmpty();

        List<Long> seen = new CopyOnWriteArrayList<>();
        started(consumer(group, topic).handler(r -> seen.add(r.offset())));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(offset);
    }

    @Test
    void recordsOfAKeyAreHandledInOrderAcrossPartitionsEvenWithRetries() {
        String topic = MqTestKafka.unique("order");
        MqTopics.ensure(kafka, topic, 4);
        int keys = 20;
        int perKey = 50;
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                acks.add(producer.sendAsync(topic, "key-" + k, Integer.toString(seq).getBytes(StandardCharsets.UTF_8),
                        null));
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        assertThat(acks.stream().map(a -> a.join().partition()).distinct().count()).isGreaterThan(1);

        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger total = new AtomicInteger();
        started(consumer(MqTestKafka.unique("g"), topic).maxPollRecords(100).retryBackoff(Duration.ofMillis(5),
                Duration.ofMillis(20)).handler(r -> {
            int seq = Integer.parseInt(r.valueAsString());
            if (seq % 17 == 3 && failedOnce.add(r.key() + "/" + seq)) {
                throw new IllegalStateException("transient failure of " + r.key() + "/" + seq);
            }
            handled.computeIfAbsent(r.key(), k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
            total.incrementAndGet();
        }));
        await().atMost(WAIT).until(() -> total.get() >= keys * perKey);

        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            expected.add(i);
        }
        assertThat(handled).hasSize(keys);
        handled.forEach((key, seqs) -> assertThat(seqs).as(key).containsExactlyElementsOf(expected));
        assertThat(failedOnce).hasSize(keys * 3); // seq 3, 20 and 37 of every key failed once
    }

    @Test
    void aBatchHandlerGetsOnePartitionAtATimeInOrderAndARetriedBatchStartsWhereItFailed() {
        String topic = MqTestKafka.unique("batch");
        MqTopics.ensure(kafka, topic, 3);
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            acks.add(producer.sendAsync(topic, "k" + (i % 7), Integer.toString(i).getBytes(StandardCharsets.UTF_8),
                    null));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();

        List<List<MqRecord>> batches = new CopyOnWriteArrayList<>();
        AtomicReference<Long> failedAt = new AtomicReference<>();
        Set<Long> handled = ConcurrentHashMap.newKeySet();
        AtomicReference<Long> firstAfterFailure = new AtomicReference<>();
        started(consumer(MqTestKafka.unique("g"), topic).maxPollRecords(40).batchHandler(records -> {
            if (failedAt.get() != null && firstAfterFailure.get() == null
                    && records.getFirst().partition() == (int) (failedAt.get() >> 32)) {
                firstAfterFailure.set(((long) records.getFirst().partition() << 32) | records.getFirst().offset());
            }
            if (failedAt.get() == null && batches.size() == 2) {
                failedAt.set(((long) records.getFirst().partition() << 32) | records.getFirst().offset());
                throw new IllegalStateException("batch insert failed");
            }
            batches.add(List.copyOf(records));
            records.forEach(r -> handled.add(((long) r.partition() << 32) | r.offset()));
        }));
        await().atMost(WAIT).until(() -> handled.size() >= 300);

        assertThat(firstAfterFailure.get()).isEqualTo(failedAt.get());
        Map<Integer, Long> nextOffset = new ConcurrentHashMap<>();
        for (List<MqRecord> batch : batches) {
            assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(40);
            int partition = batch.getFirst().partition();
            for (MqRecord r : batch) {
                assertThat(r.partition()).isEqualTo(partition);
                assertThat(r.offset()).isEqualTo(nextOffset.getOrDefault(partition, 0L));
                nextOffset.put(partition, r.offset() + 1);
            }
        }
    }

    @Test
    void closeLetsTheRecordInHandFinishCommitsItAndReturnsPromptly() throws Exception {
        String topic = MqTestKafka.unique("graceful");
        String group = MqTestKafka.unique("g");
        MqTopics.ensure(kafka, topic, 1);
        for (int i = 0; i < 10; i++) {
            send(topic, "k", Integer.toString(i));
        }
        List<Integer> finished = new CopyOnWriteArrayList<>();
        CountDownLatch thirdStarted = new CountDownLatch(1);
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        MqConsumer slow = started(consumer(group, topic).handler(r -> {
            int i = Integer.parseInt(r.valueAsString());
            if (i == 2) {
                thirdStarted.countDown();
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                interrupted.set(e);
                throw e;
            }
            finished.add(i);
        }));
        assertThat(thirdStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        slow.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(interrupted.get()).isNull();
        assertThat(finished).containsExactly(0, 1, 2);
        assertThat(MqTestKafka.committed(kafka.bootstrap(), group))
                .containsEntry(new TopicPartition(topic, 0), 3L);

        List<Integer> rest = new CopyOnWriteArrayList<>();
        started(consumer(group, topic).handler(r -> rest.add(Integer.parseInt(r.valueAsString()))));
        await().atMost(WAIT).until(() -> rest.size() >= 7);
        assertThat(rest).containsExactly(3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aHandlerStuckPastTheCloseTimeoutIsInterruptedAndItsRecordDeliveredAgain() throws Exception {
        String topic = MqTestKafka.unique("stuck");
        String group = MqTestKafka.unique("g");
        MqTopics.ensure(kafka, topic, 1);
        send(topic, "k", "slow");
        CountDownLatch inHandler = new CountDownLatch(1);
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        MqConsumer stuck = started(consumer(group, topic).closeTimeout(Duration.ofMillis(500)).handler(r -> {
            inHandler.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(e);
                throw e;
            }
        }));
        assertThat(inHandler.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        stuck.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(interrupted.get()).isInstanceOf(InterruptedException.class);
        assertThat(MqTestKafka.committed(kafka.bootstrap(), group)).isEmpty();

        List<String> again = new CopyOnWriteArrayList<>();
        started(consumer(group, topic).handler(r -> again.add(r.valueAsString())));
        await().atMost(WAIT).until(() -> !again.isEmpty());
        assertThat(again).containsExactly("slow");
    }

    @Test
    void afterMaxAttemptsARecordGoesToTheDeadLetterTopicAndThePartitionMovesOn() {
        String topic = MqTestKafka.unique("dlq");
        MqTopics.ensure(kafka, topic, 1);
        MqTopics.ensure(kafka, topic + ".dlq", 1);
        send(topic, "bad-key", "poison");
        send(topic, "k", "good");

        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger poisonAttempts = new AtomicInteger();
        MqConsumer c = started(consumer(MqTestKafka.unique("g"), topic).maxAttempts(3).deadLetter(producer)
                .handler(r -> {
                    if (r.valueAsString().equals("poison")) {
                        poisonAttempts.incrementAndGet();
                        throw new IllegalArgumentException("cannot decode");
                    }
                    handled.add(r.valueAsString());
                }));
        await().atMost(WAIT).until(() -> handled.contains("good"));
        assertThat(poisonAttempts.get()).isEqualTo(3);

        List<ConsumerRecord<String, byte[]>> dead = MqTestKafka.read(kafka.bootstrap(), topic + ".dlq", 1, WAIT);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> d = dead.getFirst();
        assertThat(d.key()).isEqualTo("bad-key");
        assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo("poison");
        assertThat(header(d, "plaza-dlq-topic")).isEqualTo(topic);
        assertThat(header(d, "plaza-dlq-offset")).isEqualTo("0");
        assertThat(header(d, "plaza-dlq-attempts")).isEqualTo("3");
        assertThat(header(d, "plaza-dlq-error")).contains("cannot decode");
        assertThat(meters.get(MqMetricNames.CONSUMER_RECORDS).tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, MqMetricNames.DEAD_LETTER).counter().count()).isEqualTo(1);
        await().atMost(WAIT).until(() -> meters.get(MqMetricNames.CONSUMER_LAG)
                .tag(MqMetricNames.GROUP, c.groupId()).gauge().value() == 0.0);
        assertThat(c.assignment()).containsExactly(new TopicPartition(topic, 0));
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

}
