package dev.plaza.kit.mq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.trace.TraceContext;
import dev.plaza.kit.trace.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@RequiresEngines({EngineKind.KAFKA})
class MqProducerIT {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.withExporter(1.0, "producer-it", spans);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KafkaConfig kafka;
    private final MqProducer producer;

    MqProducerIT(Endpoints endpoints) {
        kafka = KafkaConfig.of(endpoints.kafkaBootstrap(), "producer-it");
        producer = MqProducer.create(kafka, meters, tracing.openTelemetry());
    }

    @AfterEach
    void close() {
        producer.close();
        tracing.close();
    }

    @Test
    void sendReturnsOnceAcknowledgedWithHeadersAndTheTraceparentOfItsProducerSpan() {
        String topic = MqTestKafka.unique("acked");
        assertThat(MqTopics.ensure(kafka, topic, 2)).isTrue();
        assertThat(MqTopics.ensure(kafka, topic, 2)).isFalse(); // idempotent

        Span request = tracing.tracer("test").spanBuilder("request").startSpan();
        RecordMetadata md;
        try (Scope ignored = TraceContext.activate(request)) {
            md = producer.send(topic, "video-7", "hello".getBytes(StandardCharsets.UTF_8), Map.of("kind", "post"));
        } finally {
            request.end();
        }
        assertThat(md.topic()).isEqualTo(topic);
        assertThat(md.offset()).isZero();

        // acknowledged means readable by anyone right away
        List<ConsumerRecord<String, byte[]>> read = MqTestKafka.read(kafka.bootstrap(), topic, 1, Duration.ofSeconds(10));
        assertThat(read).hasSize(1);
        ConsumerRecord<String, byte[]> r = read.getFirst();
        assertThat(r.key()).isEqualTo("video-7");
        assertThat(r.partition()).isEqualTo(md.partition());
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(header(r, "kind")).isEqualTo("post");

        SpanData send = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst().orElseThrow();
        assertThat(send.getName()).isEqualTo("send " + topic);
        assertThat(send.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(send.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(header(r, "traceparent")).startsWith("00-" + send.getTraceId() + "-" + send.getSpanId() + "-");

        assertThat(meters.get(MqMetricNames.PRODUCER_SENDS).tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, MqMetricNames.OK).timer().count()).isEqualTo(1);
    }

    @Test
    void aStoredTraceparentContinuesWhenNoSpanIsCurrent() {
        String topic = MqTestKafka.unique("relay");
        MqTopics.ensure(kafka, topic, 1);
        String stored = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        producer.send(topic, "k", new byte[] {1}, Map.of("traceparent", stored));

        SpanData send = spans.getFinishedSpanItems().getFirst();
        assertThat(send.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(send.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        ConsumerRecord<String, byte[]> r = MqTestKafka.read(kafka.bootstrap(), topic, 1, Duration.ofSeconds(10))
                .getFirst();
        assertThat(header(r, "traceparent")).contains(send.getSpanId());
        assertThat(r.headers().headers("traceparent")).hasSize(1);
    }

    @Test
    void sendAsyncCompletesWithThePositionsInOrderPerKey() {
        String topic = MqTestKafka.unique("async");
        MqTopics.ensure(kafka, topic, 3);
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(producer.sendAsync(topic, "same-key", Integer.toString(i).getBytes(StandardCharsets.UTF_8),
                    null));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        int partition = acks.getFirst().join().partition();
        for (int i = 0; i < acks.size(); i++) {
            assertThat(acks.get(i).join().partition()).isEqualTo(partition);
            assertThat(acks.get(i).join().offset()).isEqualTo(i);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
