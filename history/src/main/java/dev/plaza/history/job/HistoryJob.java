package dev.plaza.history.job;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.plaza.api.history.v1.HistoryFlush;
import dev.plaza.api.history.v1.HistoryRecordMsg;
import dev.plaza.history.biz.HistoryMessages;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.data.mq.KafkaFlushSink;
import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqConsumer;
import dev.plaza.kit.mq.MqRecord;
import dev.plaza.kit.mq.MqTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history job role: consumer group {@value #GROUP} on {@code history-flush}; each partition's polled messages
 * become one {@link HistoryJobUsecase#apply} (one batched upsert). At least once, offsets committed after the
 * store took the batch; a failure (store away) offers the same batch again after a backoff. Undecodable messages
 * and records that can never be valid are logged, counted and skipped.
 */
public final class HistoryJob implements Lifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryJob.class);
    public static final String GROUP = "history-job";

    /**
     * @param partitions     partitions of {@code history-flush} when the job creates it
     * @param maxPollRecords messages per poll (each carries up to a thousand records)
     * @param concurrency    partitions written at the same time
     */
    public record Settings(int partitions, int maxPollRecords, int concurrency) {
        public Settings {
            if (partitions < 1 || maxPollRecords < 1 || concurrency < 1) {
                throw new IllegalArgumentException("partitions, maxPollRecords and concurrency must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings(8, 20, 2);
        }
    }

    private final KafkaConfig kafka;
    private final Settings settings;
    private final HistoryJobUsecase usecase;
    private final MqConsumer consumer;
    private final Counter skipped;

    public HistoryJob(HistoryJobUsecase usecase, KafkaConfig kafka, Settings settings, MeterRegistry meters,
                      OpenTelemetry otel) {
        this.usecase = usecase;
        this.kafka = kafka;
        this.settings = settings;
        this.skipped = Counter.builder("history.job.skipped")
                .description("flushed messages or records that could not be decoded or are invalid").register(meters);
        this.consumer = MqConsumer.builder(kafka, GROUP, List.of(KafkaFlushSink.TOPIC))
                .batchHandler(this::handle)
                .maxPollRecords(settings.maxPollRecords())
                .concurrency(settings.concurrency())
                .closeTimeout(Duration.ofSeconds(10))
                .meterRegistry(meters)
                .openTelemetry(otel == null ? OpenTelemetry.noop() : otel)
                .build();
    }

    @Override
    public void start() {
        MqTopics.ensure(kafka, KafkaFlushSink.TOPIC, settings.partitions());
        consumer.start();
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private void handle(List<MqRecord> records) {
        List<HistoryRecord> batch = new ArrayList<>();
        for (MqRecord r : records) {
            HistoryFlush flush;
            try {
                flush = HistoryFlush.parseFrom(r.value() == null ? new byte[0] : r.value());
            } catch (InvalidProtocolBufferException e) {
                skipped.increment();
                log.warn("skipping {}: not a HistoryFlush: {}", r.position(), e.getMessage());
                continue;
            }
            for (HistoryRecordMsg m : flush.getRecordsList()) {
                try {
                    batch.add(HistoryMessages.fromMsg(m));
                } catch (IllegalArgumentException e) {
                    skipped.increment();
                    log.warn("skipping a record of {}: {}", r.position(), e.getMessage());
                }
            }
        }
        usecase.apply(batch);
    }
}
