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
    void theRequestsGlobalMetadataSuchAsItsColourTravelsToTheHandlersContext() throws Exception {
        String topic = MqTestKafka.unique("coloured");
        MqTopics.ensure(kafka, topic, 1);
        dev.plaza.kit.rpc.RpcMetadata.EMPTY.with("x-md-global-color", "blue").context()
                .call(() -> producer.send(topic, "k", "v".getBytes(StandardCharsets.UTF_8), Map.of()));
        producer.send(topic, "k", "plain".getBytes(StandardCharsets.UTF_8), Map.of());

        Map<String, String> colours = new java.util.concurrent.ConcurrentHashMap<>();
        started(consumer(MqTestKafka.unique("g"), topic).handler(r -> colours.put(r.valueAsString(),
                dev.plaza.kit.rpc.RpcMetadata.current().get("x-md-global-color").orElse("none"))));
        await().atMost(WAIT).until(() -> colours.size() == 2);
        assertThat(colours).containsEntry("v", "blue").containsEntry("plain", "none");
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

    /** Sends {@code perKey} records (values 0, 1, ...) for each of {@code keys} keys, in order per key; waits for acks. */
    private List<RecordMetadata> sendKeyed(String topic, int keys, int perKey, int firstSeq) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        for (int seq = firstSeq; seq < firstSeq + perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                acks.add(producer.sendAsync(topic, "key-" + k, Integer.toString(seq).getBytes(StandardCharsets.UTF_8),
                        null));
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        return acks.stream().map(CompletableFuture::join).toList();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void withConcurrencyPartitionsAreHandledAtOnceButOnePartitionNeverOverlapsAndKeysKeepTheirOrder() {
        String topic = MqTestKafka.unique("concurrent");
        MqTopics.ensure(kafka, topic, 8);
        int keys = 40;
        int perKey = 10;
        List<RecordMetadata> sent = sendKeyed(topic, keys, perKey, 0);
        assertThat(sent.stream().map(RecordMetadata::partition).distinct().count()).isGreaterThan(4);

        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Set<Integer> busyPartitions = ConcurrentHashMap.newKeySet();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        started(consumer(MqTestKafka.unique("g"), topic).concurrency(4).handler(r -> {
            if (!busyPartitions.add(r.partition())) {
                overlaps.add(r.position());
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            threads.add(Thread.currentThread().getName());
            try {
                Thread.sleep(20);
                handled.computeIfAbsent(r.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(r.valueAsString()));
            } finally {
                inFlight.decrementAndGet();
                busyPartitions.remove(r.partition());
            }
            total.incrementAndGet();
        }));
        // serially 400 x 20 ms = 8 s; four at a time about 2 s
        await().atMost(WAIT).until(() -> total.get() >= keys * perKey);

        assertThat(overlaps).as("records of one partition in flight at once").isEmpty();
        assertThat(maxInFlight.get()).isBetween(2, 4);
        assertThat(threads).allSatisfy(t -> assertThat(t).contains("-worker-")).hasSizeBetween(2, 4);
        assertThat(handled).hasSize(keys);
        handled.forEach((key, seqs) -> assertThat(seqs).as(key).containsExactlyElementsOf(range(0, perKey)));
        // counted and ended after the handler returned: await the last ones
        await().atMost(WAIT).until(() -> meters.get(MqMetricNames.CONSUMER_RECORDS).tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, MqMetricNames.OK).counter().count() == keys * perKey);
        await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream().filter(s -> s.getKind()
                == SpanKind.CONSUMER && s.getName().equals("process " + topic)).count() == keys * perKey);
    }

    @Test
    void withConcurrencyAFailingPartitionIsRetriedAloneAndTheOthersProgressAreCommitted() throws Exception {
        String topic = MqTestKafka.unique("concurrent-retry");
        String group = MqTestKafka.unique("g");
        MqTopics.ensure(kafka, topic, 8);
        int keys = 24;
        int perKey = 12;
        List<RecordMetadata> sent = sendKeyed(topic, keys, perKey, 0);
        String poisonKey = "key-3";
        int poisonSeq = 1;
        int poisonPartition = sent.get(poisonSeq * keys + 3).partition();

        // first member: fails key-3/1 twice, is closed while (possibly) still handling
        Map<String, List<Integer>> first = new ConcurrentHashMap<>();
        AtomicInteger poisonAttempts = new AtomicInteger();
        AtomicInteger othersWhileRetrying = new AtomicInteger();
        Set<Integer> busyPartitions = ConcurrentHashMap.newKeySet();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        AtomicInteger total = new AtomicInteger();
        MqConsumer a = started(consumer(group, topic).concurrency(4)
                .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(100)).handler(r -> {
            if (!busyPartitions.add(r.partition())) {
                overlaps.add(r.position());
            }
            try {
                int seq = Integer.parseInt(r.valueAsString());
                if (r.key().equals(poisonKey) && seq == poisonSeq && poisonAttempts.incrementAndGet() <= 2) {
                    throw new IllegalStateException("store unavailable (" + poisonAttempts.get() + ")");
                }
                Thread.sleep(10);
                if (r.partition() != poisonPartition && poisonAttempts.get() > 0 && poisonAttempts.get() < 3) {
                    othersWhileRetrying.incrementAndGet();
                }
                first.computeIfAbsent(r.key(), k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
                total.incrementAndGet();
            } finally {
                busyPartitions.remove(r.partition());
            }
        }));
        await().atMost(WAIT).until(() -> poisonAttempts.get() >= 3 && total.get() >= keys * perKey / 2);
        a.close();
        Map<TopicPartition, Long> committed = MqTestKafka.committed(kafka.bootstrap(), group);

        assertThat(overlaps).isEmpty();
        assertThat(poisonAttempts.get()).isEqualTo(3);
        assertThat(first.get(poisonKey)).contains(poisonSeq);
        assertThat(othersWhileRetrying.get()).as("other partitions handled while one waits to retry").isPositive();
        assertThat(meters.get(MqMetricNames.CONSUMER_RECORDS).tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, MqMetricNames.RETRY).counter().count()).isEqualTo(2);
        // commit after effect: every committed record was handled (once) by the first member
        Set<String> handledByFirst = ConcurrentHashMap.newKeySet();
        first.forEach((key, seqs) -> {
            assertThat(seqs).as(key).containsExactlyElementsOf(range(0, seqs.size())); // in order, once each
            seqs.forEach(seq -> handledByFirst.add(key + "/" + seq));
        });
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata m = sent.get(i);
            long c = committed.getOrDefault(new TopicPartition(topic, m.partition()), 0L);
            if (m.offset() < c) {
                assertThat(handledByFirst).contains("key-" + (i % keys) + "/" + (i / keys));
            }
        }

        // a new member of the group: gets only what was not committed (plus new records), loses nothing
        Map<String, List<Integer>> second = new ConcurrentHashMap<>();
        List<String> belowCommitted = new CopyOnWriteArrayList<>();
        started(consumer(group, topic).concurrency(4).handler(r -> {
            if (r.offset() < committed.getOrDefault(new TopicPartition(topic, r.partition()), 0L)) {
                belowCommitted.add(r.position());
            }
            second.computeIfAbsent(r.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(r.valueAsString()));
        }));
        sendKeyed(topic, keys, 1, perKey); // one more record per key: seeing it means the key is caught up
        await().atMost(WAIT).until(() -> second.size() == keys
                && second.values().stream().allMatch(seqs -> seqs.contains(perKey)));

        assertThat(belowCommitted).as("committed records handled again").isEmpty();
        for (int k = 0; k < keys; k++) {
            String key = "key-" + k;
            List<Integer> before = first.getOrDefault(key, List.of());
            List<Integer> after = second.get(key);
            // the second member continues the key in order, from at most where the first stopped: nothing lost
            assertThat(after).as(key).isNotEmpty();
            int from = after.getFirst();
            assertThat(from).as(key).isLessThanOrEqualTo(before.size());
            assertThat(after).as(key).containsExactlyElementsOf(range(from, perKey + 1));
        }
    }

    @Test
    void withConcurrencyCloseLetsTheCallsInHandFinishCommitsThemAndInterruptsAStuckWorker() throws Exception {
        String topic = MqTestKafka.unique("concurrent-close");
        String group = MqTestKafka.unique("g");
        MqTopics.ensure(kafka, topic, 4);
        RecordMetadata stuckAt = send(topic, "stuck", "stuck");
        sendKeyed(topic, 6, 5, 0);
        int all = 1 + 6 * 5;

        CountDownLatch stuckStarted = new CountDownLatch(1);
        AtomicReference<Throwable> stuckInterrupted = new AtomicReference<>();
        List<Throwable> othersInterrupted = new CopyOnWriteArrayList<>();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        AtomicInteger othersInFlight = new AtomicInteger();
        MqConsumer a = started(consumer(group, topic).concurrency(4).closeTimeout(Duration.ofSeconds(1)).handler(r -> {
            if (r.key().equals("stuck")) {
                stuckStarted.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    stuckInterrupted.set(e);
                    throw e;
                }
            }
            othersInFlight.incrementAndGet();
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                othersInterrupted.add(e);
                throw e;
            } finally {
                othersInFlight.decrementAndGet();
            }
            finished.add(r.position());
        }));
        assertThat(stuckStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> othersInFlight.get() > 0);
        long start = System.nanoTime();
        a.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(stuckInterrupted.get()).isInstanceOf(InterruptedException.class);
        assertThat(othersInterrupted).as("calls in hand finish within the close timeout").isEmpty();
        assertThat(finished).hasSizeLessThan(all - 1); // closed mid-way: the rest is left for the next owner
        Map<TopicPartition, Long> committed = MqTestKafka.committed(kafka.bootstrap(), group);
        assertThat(committed.getOrDefault(new TopicPartition(topic, stuckAt.partition()), 0L))
                .isLessThanOrEqualTo(stuckAt.offset());

        Set<String> again = ConcurrentHashMap.newKeySet();
        started(consumer(group, topic).handler(r -> again.add(r.position())));
        await().atMost(WAIT).until(() -> finished.size() + again.size() >= all);
        assertThat(again).as("what the first member finished was committed").doesNotContainAnyElementsOf(finished);
        assertThat(again).contains(topic + "-" + stuckAt.partition() + "@" + stuckAt.offset());
        assertThat(finished.size() + again.size()).isEqualTo(all);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

}
