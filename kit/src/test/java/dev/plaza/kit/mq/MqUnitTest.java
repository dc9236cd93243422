package dev.plaza.kit.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.trace.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What needs no broker: configuration routing, record conversion, and failing fast when Kafka is unreachable. */
class MqUnitTest {
    @Test
    void producerIsDurableAndIdempotent() {
        var p = MqProducer.producerProperties(KafkaConfig.of("127.0.0.1:9092", "t"), "t-1", Duration.ofSeconds(5));
        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", true);
    }

    /** Nothing listens on port 1: connections are refused at once and metadata never arrives. */
    private static final KafkaConfig UNREACHABLE = KafkaConfig.of("127.0.0.1:1", "unit");

    @Test
    void extraPropertiesGoToTheClientKindsThatKnowThemAndPrefixesWin() {
        KafkaConfig cfg = new KafkaConfig("h:1", null, Map.of(
                "linger.ms", "20",                // producer only
                "max.poll.records", "7",          // consumer only
                "security.protocol", "SASL_SSL",  // every kind
                "producer.linger.ms", "50",       // prefixed: wins for the producer
                "consumer.auto.offset.reset", "latest",
                "custom.unknown", "x"));          // nobody knows it: passed to all, Kafka warns
        Map<String, Object> producer = cfg.clientProperties(KafkaConfig.Kind.PRODUCER, Map.of("linger.ms", 5));
        Map<String, Object> consumer = cfg.clientProperties(KafkaConfig.Kind.CONSUMER, Map.of());
        Map<String, Object> admin = cfg.clientProperties(KafkaConfig.Kind.ADMIN, Map.of());

        assertThat(cfg.clientId()).isEqualTo("plaza");
        assertThat(producer).containsEntry("linger.ms", "50").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "h:1").containsEntry("custom.unknown", "x")
                .doesNotContainKeys("max.poll.records", "auto.offset.reset", "producer.linger.ms");
        assertThat(consumer).containsEntry("max.poll.records", "7").containsEntry("auto.offset.reset", "latest")
                .containsEntry("security.protocol", "SASL_SSL").doesNotContainKey("linger.ms");
        assertThat(admin).containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKeys("linger.ms", "max.poll.records", "auto.offset.reset");
        assertThatThrownBy(() -> KafkaConfig.of(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsCarryHeadersAsStrings() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("a", "1".getBytes(StandardCharsets.UTF_8));
        headers.add("a", "2".getBytes(StandardCharsets.UTF_8));
        headers.add("n", null);
        ConsumerRecord<String, byte[]> raw = new ConsumerRecord<>("t", 3, 42L, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 1, 2, "k", "v".getBytes(StandardCharsets.UTF_8), headers,
                java.util.Optional.empty());
        MqRecord r = MqRecord.of(raw);
        assertThat(r.position()).isEqualTo("t-3@42");
        assertThat(r.headers()).containsExactly(Map.entry("a", "2"), Map.entry("n", ""));
        assertThat(r.valueAsString()).isEqualTo("v");
        assertThat(r.timestamp().toEpochMilli()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void sendToAnUnreachableBrokerFailsWith503WithinTheSendTimeout() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (MqProducer producer = MqProducer.create(UNREACHABLE, meters, Tracing.noop().openTelemetry(),
                Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> producer.send("nowhere", "k", new byte[] {1}, Map.of()))
                    .isInstanceOfSatisfying(PlazaError.class, e -> {
                        assertThat(e.code()).isEqualTo(-503);
                        assertThat(e.reason()).isEqualTo(MqErrors.UNAVAILABLE);
                        assertThat(e.metadata()).containsEntry("topic", "nowhere");
                    });
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(ms).isBetween(800L, 2_000L);
            assertThat(meters.get(MqMetricNames.PRODUCER_SENDS).tag(MqMetricNames.TOPIC, "nowhere")
                    .tag(MqMetricNames.RESULT, MqMetricNames.TIMEOUT).timer().count()).isEqualTo(1);

            start = System.nanoTime();
            CompletableFuture<RecordMetadata> async = producer.sendAsync("nowhere", null, null, null);
            assertThatThrownBy(async::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-503));
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(2_000L);
        }
    }

    @Test
    void sendAfterCloseFailsWith503() {
        MqProducer producer = MqProducer.create(UNREACHABLE, new SimpleMeterRegistry(),
                Tracing.noop().openTelemetry(), Duration.ofSeconds(1));
        producer.close();
        assertThatThrownBy(() -> producer.send("t", "k", new byte[0], null))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.reason()).isEqualTo(MqErrors.UNAVAILABLE));
    }

    @Test
    void ensureTopicOnAnUnreachableBrokerFailsWith503() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> MqTopics.ensure(UNREACHABLE, "t", 1, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-503));
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(4_000L);
    }

    @Test
    void builderRejectsIncompleteSettings() {
        KafkaConfig cfg = KafkaConfig.of("h:1", "x");
        assertThatThrownBy(() -> MqConsumer.builder(cfg, "g", List.of("t")).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MqConsumer.builder(cfg, "", List.of("t")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MqConsumer.builder(cfg, "g", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MqConsumer.builder(cfg, "g", List.of("t"))
                .retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MqConsumer.builder(cfg, "g", List.of("t")).concurrency(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency")
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> MqConsumer.builder(cfg, "g", List.of("t")).concurrency(257))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 256");
        assertThat(MqConsumer.builder(cfg, "g", List.of("t")).concurrency(256).concurrency(1)).isNotNull();
        MqConsumer neverStarted = MqConsumer.builder(cfg, "g", List.of("t")).handler(r -> { }).build();
        neverStarted.close(); // harmless
        assertThatThrownBy(neverStarted::start).isInstanceOf(IllegalStateException.class);
    }
}
