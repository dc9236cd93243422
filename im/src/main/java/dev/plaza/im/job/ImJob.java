package dev.plaza.im.job;

import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqConsumer;
import dev.plaza.kit.mq.MqTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The im job role (goim's internal/job): consumer group {@code im-job} on the push topic, delivering each message to
 * the comets (key pushes to one comet, room batches and broadcasts to all). At least once: the consumer commits a
 * partition's offsets only after the handler returned, and the handler returns only after the comets answered (or a
 * comet was given up on after its retries). A restart therefore delivers again what was in hand, never loses it.
 */
public final class ImJob implements Lifecycle, AutoCloseable {
    public static final String GROUP = "im-job";

    /**
     * @param topic          the push topic (logic's {@code im.logic.pushTopic})
     * @param group          the consumer group; every job instance joins the same one
     * @param partitions     partitions of the topic when the job creates it
     * @param maxPollRecords records per poll (the largest batch of one partition handled at once)
     * @param concurrency    partitions handled at once (handlers mostly wait on comets and the room window)
     * @param roomWindow     longest a room message waits for others of its room
     * @param roomBatch      messages per BroadcastRoom call at most
     * @param callTimeout    deadline of one call to one comet
     * @param attempts       calls to a comet per message at most before giving up on that comet
     * @param backoff        wait before the second attempt, doubled after
     */
    public record Settings(String topic, String group, int partitions, int maxPollRecords, int concurrency,
                           Duration roomWindow, int roomBatch, Duration callTimeout, int attempts, Duration backoff) {
        public Settings {
            if (topic == null || topic.isBlank() || group == null || group.isBlank()) {
                throw new IllegalArgumentException("im.job topic and group are required");
            }
            if (partitions < 1 || maxPollRecords < 1 || concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("im.job partitions and maxPollRecords must be positive, "
                        + "concurrency 1-64");
            }
            new RoomBatcher.Settings(roomWindow, roomBatch);
            new CometDelivery.Settings(callTimeout, attempts, backoff);
        }

        /**
         * Topic {@code im-push} (8 partitions), group {@code im-job}, 500 records a poll, 4 partitions at once; room
         * batches of up to 32 messages or 20 ms (a chat line waits at most that long for company); comet calls of
         * 2 s, 3 attempts, 50 ms backoff.
         */
        public static Settings defaults() {
            return new Settings("im-push", GROUP, 8, 500, 4, Duration.ofMillis(20), 32, Duration.ofSeconds(2), 3,
                    Duration.ofMillis(50));
        }

        public Settings withTopic(String t) {
            return new Settings(t, group, partitions, maxPollRecords, concurrency, roomWindow, roomBatch,
                    callTimeout, attempts, backoff);
        }

        public Settings withGroup(String g) {
            return new Settings(topic, g, partitions, maxPollRecords, concurrency, roomWindow, roomBatch,
                    callTimeout, attempts, backoff);
        }

        public Settings withRoomBatching(Duration window, int batch) {
            return new Settings(topic, group, partitions, maxPollRecords, concurrency, window, batch, callTimeout,
                    attempts, backoff);
        }

        public Settings withCalls(Duration timeout, int tries, Duration firstBackoff) {
            return new Settings(topic, group, partitions, maxPollRecords, concurrency, roomWindow, roomBatch,
                    timeout, tries, firstBackoff);
        }
    }

    private final KafkaConfig kafka;
    private final Settings settings;
    private final CometDelivery delivery;
    private final PushDispatcher dispatcher;
    private final MqConsumer consumer;

    public ImJob(CometDirectory comets, KafkaConfig kafka, Settings settings, MeterRegistry meters,
                 OpenTelemetry otel) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        this.delivery = new CometDelivery(comets, new CometDelivery.Settings(settings.callTimeout(),
                settings.attempts(), settings.backoff()), registry);
        this.dispatcher = new PushDispatcher(delivery, new RoomBatcher.Settings(settings.roomWindow(),
                settings.roomBatch()), registry);
        this.consumer = MqConsumer.builder(kafka, settings.group(), List.of(settings.topic()))
                .batchHandler(dispatcher::handle)
                .maxPollRecords(settings.maxPollRecords())
                .concurrency(settings.concurrency())
                .closeTimeout(Duration.ofSeconds(10))
                .meterRegistry(registry)
                .openTelemetry(otel == null ? OpenTelemetry.noop() : otel)
                .build();
    }

    /** Creates the topic when missing, then joins the group (partitions are assigned in the background). */
    @Override
    public void start() {
        MqTopics.ensure(kafka, settings.topic(), settings.partitions());
        consumer.start();
    }

    @Override
    public void stop() {
        close();
    }

    /** Lets the handlers in hand finish (their offsets are committed), leaves the group, stops the comet calls. */
    @Override
    public void close() {
        try {
            consumer.close();
        } finally {
            dispatcher.close();
            delivery.close();
        }
    }

    /** The partitions this instance owns now (tests wait for an assignment before they count on delivery). */
    public boolean isAssigned() {
        return !consumer.assignment().isEmpty();
    }
}
