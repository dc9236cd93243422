package dev.plaza.archive.job;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.plaza.api.archive.v1.StatEvent;
import dev.plaza.archive.biz.ArchiveUsecase;
import dev.plaza.archive.biz.StatCounters;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqConsumer;
import dev.plaza.kit.mq.MqRecord;
import dev.plaza.kit.mq.MqTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the counters other systems keep about a video ({@value #TOPIC}, {@code plaza.archive.v1.StatEvent}, keyed
 * by aid) into the archive's stat: one consumer in group {@value #GROUP}, at least once. The events carry totals, so
 * a redelivery sets the same value again; per aid they arrive in the order they were counted. Undecodable records
 * are logged and skipped; a Redis failure retries the event. Kafka being away does not hold up the archive's start.
 */
public final class StatJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatJob.class);
    public static final String TOPIC = "archive-stat";
    public static final String GROUP = "archive-stat";
    private static final Duration BACKOFF_MIN = Duration.ofMillis(500);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    private final ArchiveUsecase usecase;
    private final KafkaConfig kafka;
    private final int partitions;
    private final MqConsumer consumer;
    private final Counter undecodable;
    private volatile boolean closed;
    private Thread starter;

    /** @param partitions of {@value #TOPIC} when this job creates it */
    public StatJob(ArchiveUsecase usecase, KafkaConfig kafka, int partitions, MeterRegistry meters,
                   OpenTelemetry otel) {
        this.usecase = usecase;
        this.kafka = kafka;
        this.partitions = partitions;
        this.undecodable = Counter.builder("archive.stat.undecodable")
                .description("records on archive-stat that could not be decoded and were skipped")
                .register(meters);
        this.consumer = MqConsumer.builder(kafka, GROUP, List.of(TOPIC))
                .handler(this::handle)
                .meterRegistry(meters)
                .openTelemetry(otel)
                .build();
    }

    /**
     * Creates the topic when missing, then consumes; both in the background, so that the catalog serves while Kafka
     * is away (as the outbox relay does): the topic is tried again with backoff until it exists or the job closes.
     */
    public synchronized void start() {
        if (starter != null) {
            throw new IllegalStateException("already started");
        }
        starter = Thread.ofVirtual().name("archive-stat-start").start(this::ensureTopicThenConsume);
    }

    private void ensureTopicThenConsume() {
        Duration backoff = BACKOFF_MIN;
        while (!closed) {
            try {
                MqTopics.ensure(kafka, TOPIC, partitions);
                break;
            } catch (RuntimeException e) {
                log.warn("topic {} not ready, trying again in {} ms: {}", TOPIC, backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : backoff.multipliedBy(2);
            }
        }
        synchronized (this) {
            if (!closed) {
                consumer.start();
            }
        }
    }

    void handle(MqRecord record) {
        StatEvent e;
        try {
            e = StatEvent.parseFrom(record.value());
        } catch (InvalidProtocolBufferException | NullPointerException bad) {
            undecodable.increment();
            log.warn("skipping an undecodable record at {}: {}", record.position(), bad.toString());
            return;
        }
        StatCounters.Kind kind = switch (e.getKind()) {
            case REPLY -> StatCounters.Kind.REPLY;
            case DANMAKU -> StatCounters.Kind.DANMAKU;
            case KIND_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        if (kind == null) {
            undecodable.increment();
            log.warn("skipping a stat event of unknown kind for aid {}", e.getAid());
            return;
        }
        usecase.setStat(e.getAid(), kind, e.getValue());
    }

    /** Stops trying to start; finishes the event in hand, commits and leaves the group. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = starter;
        }
        if (t != null) {
            t.interrupt();
        }
        consumer.close();
    }
}
