package dev.plaza.kit.mq;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.RpcMetadata;
import dev.plaza.kit.trace.Propagation;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Plaza writes to Kafka: durable sends (acks=all, idempotent, so retries inside the client neither lose
 * nor duplicate nor reorder records of a partition) that fail in bounded time with a -503 PlazaError
 * ({@link MqErrors#UNAVAILABLE}) instead of piling callers up.
 *
 * <p>{@link #send} blocks until the broker acknowledged the record; a request handler on a virtual thread calls it
 * and answers only once the write is durable. It gives up after the send timeout (default 5 s; the producer's
 * {@code max.block.ms} and {@code delivery.timeout.ms} are set to it, {@link KafkaConfig#extra()} may override them).
 * A -503 after the timeout means "unknown": the record may still have been written, so consumers deduplicate.
 *
 * <p>Each send is a PRODUCER span ({@code send <topic>}) whose context goes into the record headers as W3C
 * {@code traceparent} (and {@code tracestate}, {@code baggage}). Its parent is the current span; when no span is
 * current and the caller passes a {@code traceparent} header (an outbox relaying a stored request's context), that
 * one is the parent. Every send is timed into {@code mq.producer.sends{topic, result}}.
 *
 * <p>Create topics with {@link MqTopics#ensure} before producing to them: it also waits until their partitions
 * accept writes (an idempotent producer writing to a partition in the first moments of its life can have a batch
 * fail after the delivery timeout).
 *
 * <p>Thread-safe; one instance per process is the norm (it batches records of all threads).
 */
public final class MqProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqProducer.class);
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int LINGER_MS = 5;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Producer<String, byte[]> producer;
    private final MeterRegistry meters;
    private final OpenTelemetry otel;
    private final Tracer tracer;
    private final Duration sendTimeout;
    private final String clientId;

    private MqProducer(Producer<String, byte[]> producer, MeterRegistry meters, OpenTelemetry otel,
                       Duration sendTimeout, String clientId) {
        this.producer = producer;
        this.meters = meters;
        this.otel = otel;
        this.tracer = otel.getTracer(MqTelemetry.SCOPE);
        this.sendTimeout = sendTimeout;
        this.clientId = clientId;
    }

    /** A producer with the default send timeout of 5 s. */
    public static MqProducer create(KafkaConfig config, MeterRegistry meters, OpenTelemetry otel) {
        return create(config, meters, otel, DEFAULT_SEND_TIMEOUT);
    }

    /**
     * @param sendTimeout how long {@link #send} waits at most for the acknowledgement (and the client for metadata
     *                    and delivery); at least 100 ms
     * @throws PlazaError -503 {@link MqErrors#UNAVAILABLE} when the client cannot be created (for example a
     *                    bootstrap host that does not resolve)
     */
    public static MqProducer create(KafkaConfig config, MeterRegistry meters, OpenTelemetry otel, Duration sendTimeout) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(otel, "otel");
        if (sendTimeout == null || sendTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("sendTimeout must be at least 100 ms, got " + sendTimeout);
        }
        String clientId = config.clientId() + "-producer-" + SEQ.incrementAndGet();
        Map<String, Object> props = producerProperties(config, clientId, sendTimeout);
        Producer<String, byte[]> producer;
        try {
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw MqErrors.unavailable("", "cannot create a kafka producer for " + config.bootstrap() + ": "
                    + e.getMessage(), e);
        }
        return new MqProducer(producer, meters, otel, sendTimeout, clientId);
    }

    /** The client settings every Plaza producer runs with: durable (acks=all, idempotent) and bounded by the timeout. */
    static Map<String, Object> producerProperties(KafkaConfig config, String clientId, Duration sendTimeout) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, sendTimeout.toMillis());
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        defaults.put(ProducerConfig.ACKS_CONFIG, "all");
        defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        defaults.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        defaults.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        // the client requires delivery.timeout >= linger + request.timeout
        defaults.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeoutMs - LINGER_MS, 1));
        defaults.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        return config.clientProperties(KafkaConfig.Kind.PRODUCER, defaults);
    }

    /**
     * Sends and waits until the broker acknowledged the record (all in-sync replicas have it).
     *
     * @param key     the partitioning key (records of one key stay in order), or null to spread records
     * @param value   the payload (may be null: a tombstone)
     * @param headers extra headers (UTF-8), or null
     * @return where the record landed
     * @throws PlazaError -503 {@link MqErrors#UNAVAILABLE} when not acknowledged within the send timeout or the
     *                    producer is closed; -500 {@link MqErrors#SEND_FAILED} when Kafka refuses the record
     */
    public RecordMetadata send(String topic, String key, byte[] value, Map<String, String> headers) {
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        CompletableFuture<RecordMetadata> ack = sendAsync(topic, key, value, headers);
        try {
            // a little grace: the client times out by itself at the same bound, with the more precise error
            long waitNanos = Math.max(deadline - System.nanoTime(), 0) + TimeUnit.MILLISECONDS.toNanos(250);
            return ack.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw MqErrors.sendFailure(topic, e.getCause());
        } catch (TimeoutException e) {
            throw MqErrors.unavailable(topic, "kafka did not acknowledge the write to " + topic + " within "
                    + sendTimeout.toMillis() + " ms; it may still be written", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MqErrors.unavailable(topic, "interrupted while waiting for kafka to acknowledge the write to "
                    + topic, e);
        }
    }

    /**
     * Sends without waiting for the acknowledgement. The future completes with the record's position, or
     * exceptionally with the PlazaError {@link #send} would throw. This call itself can still block up to the send
     * timeout when the topic's metadata is not known yet or the client's buffer is full. Stages chained with the
     * non-async methods run on the Kafka client's I/O thread: keep them short, never blocking.
     */
    public CompletableFuture<RecordMetadata> sendAsync(String topic, String key, byte[] value,
                                                       Map<String, String> headers) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic is required");
        }
        long start = System.nanoTime();
        Map<String, String> given = headers == null ? Map.of() : headers;
        Context parent = Context.current();
        if (!Span.fromContext(parent).getSpanContext().isValid() && given.containsKey("traceparent")) {
            parent = Propagation.extract(otel, given::get);
        }
        Span span = tracer.spanBuilder("send " + topic)
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(MqTelemetry.SYSTEM, "kafka")
                .setAttribute(MqTelemetry.DESTINATION, topic)
                .setAttribute(MqTelemetry.OPERATION_TYPE, "send")
                .setAttribute(MqTelemetry.OPERATION_NAME, "send")
                .startSpan();
        RecordHeaders recordHeaders = new RecordHeaders();
        given.forEach((k, v) -> recordHeaders.add(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
        // the request's x-md-global-* values (its traffic colour, ...) travel on to the consumer's calls
        RpcMetadata.current().values().forEach((k, v) -> {
            if (!given.containsKey(k)) {
                recordHeaders.add(k, v.getBytes(StandardCharsets.UTF_8));
            }
        });
        Propagation.inject(otel, parent.with(span), (k, v) -> {
            recordHeaders.remove(k);
            recordHeaders.add(k, v.getBytes(StandardCharsets.UTF_8));
        });

        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, null, key, value, recordHeaders), (md, error) -> {
                if (error == null) {
                    span.setAttribute(MqTelemetry.PARTITION, Integer.toString(md.partition()));
                    span.setAttribute(MqTelemetry.OFFSET, md.offset());
                    finish(topic, start, span, null);
                    result.complete(md);
                } else {
                    PlazaError failure = MqErrors.sendFailure(topic, error);
                    finish(topic, start, span, failure);
                    result.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) { // closed producer, serialization, interrupted while blocked on metadata
            if (!result.isDone()) {
                PlazaError failure = MqErrors.sendFailure(topic, e);
                finish(topic, start, span, failure);
                result.completeExceptionally(failure);
            }
        }
        return result;
    }

    /** Sends everything buffered and waits for the acknowledgements (or their failures). */
    public void flush() {
        producer.flush();
    }

    /** Sends what is buffered (waiting up to 5 s) and closes the client. Later sends fail with -503. */
    @Override
    public void close() {
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("closing kafka producer {} failed: {}", clientId, e.toString());
        }
    }

    @Override
    public String toString() {
        return "MqProducer{" + clientId + "}";
    }

    private void finish(String topic, long start, Span span, PlazaError failure) {
        String outcome = failure == null ? MqMetricNames.OK
                : MqErrors.isTimeout(failure) ? MqMetricNames.TIMEOUT : MqMetricNames.ERROR;
        if (failure != null) {
            span.recordException(failure.getCause() == null ? failure : failure.getCause());
            span.setStatus(StatusCode.ERROR, failure.reason());
        }
        span.end();
        MqTelemetry.timer(MqMetricNames.PRODUCER_SENDS)
                .tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, outcome)
                .register(meters)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
