package dev.plaza.comment.job;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.comment.biz.CommentCache;
import dev.plaza.comment.biz.CommentReadRepo;
import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.SubjectCountFeed;
import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqConsumer;
import dev.plaza.kit.mq.MqRecord;
import dev.plaza.kit.mq.MqTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comment job role: one Kafka consumer in group {@value #GROUP} on {@value #TOPIC} (the service's events, keyed
 * by subject, so one subject's events are applied in order) and {@value #ARCHIVE_TOPIC} (a new video opens its
 * comment area), handing each partition's polled events to the {@link JobUsecase} together, so that a burst of posts
 * to one subject is written in one transaction. At least once, offsets committed after the effect
 * ({@link MqConsumer}); a failure (database away) retries the same event with backoff, forever, holding back only
 * its partition. Undecodable records are logged and skipped: retrying cannot fix them.
 *
 * <p>Any number of job instances may run: the partitions are shared among the members of the group.
 */
public final class CommentJob implements Lifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommentJob.class);
    public static final String TOPIC = "comment-events";
    public static final String ARCHIVE_TOPIC = "archive-events";
    public static final String GROUP = "comment-job";

    /**
     * @param eventPartitions   partitions of {@value #TOPIC} when the job creates it (default 8)
     * @param archivePartitions partitions of {@value #ARCHIVE_TOPIC} when the job creates it before the catalog does
     *                          (default 4, the catalog's own default)
     * @param maxPollRecords    records per poll (default 200)
     * @param closeTimeout      how long {@link #close()} waits for the event in hand (default 10 s)
     * @param concurrency       partitions handled at the same time (default 4; one partition's events never are)
     * @param usecase           read-ahead of rebuilds
     */
    public record Settings(int eventPartitions, int archivePartitions, int maxPollRecords, Duration closeTimeout,
                           int concurrency, JobUsecase.Settings usecase) {
        public Settings {
            if (eventPartitions < 1 || archivePartitions < 1 || maxPollRecords < 1) {
                throw new IllegalArgumentException("partitions and maxPollRecords must be positive");
            }
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("concurrency must be 1 to 64");
            }
            if (closeTimeout == null || closeTimeout.isNegative() || closeTimeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout must be positive");
            }
            if (usecase == null) {
                throw new IllegalArgumentException("usecase settings are required");
            }
        }

        public static Settings defaults() {
            return new Settings(8, 4, 200, Duration.ofSeconds(10), 4, JobUsecase.Settings.defaults());
        }
    }

    private final JobUsecase usecase;
    private final KafkaConfig kafka;
    private final Settings settings;
    private final MqConsumer consumer;
    private final Counter undecodable;

    private CommentJob(JobUsecase usecase, KafkaConfig kafka, Settings settings, MeterRegistry meters,
                       OpenTelemetry otel) {
        this.usecase = usecase;
        this.kafka = kafka;
        this.settings = settings;
        this.undecodable = Counter.builder("comment.job.undecodable")
                .description("records on the job's topics that could not be decoded and were skipped")
                .register(meters);
        this.consumer = MqConsumer.builder(kafka, GROUP, List.of(TOPIC, ARCHIVE_TOPIC))
                .batchHandler(this::handle)
                .maxPollRecords(settings.maxPollRecords())
                .concurrency(settings.concurrency())
                .closeTimeout(settings.closeTimeout())
                .meterRegistry(meters)
                .openTelemetry(otel)
                .build();
    }

    /** The job with default settings over these stores. Call {@link #start()}; {@link #close()} stops it. */
    public static CommentJob create(CommentStore store, CommentReadRepo repo, CommentCache cache, KafkaConfig kafka,
                                    MeterRegistry meters, OpenTelemetry otel) {
        return create(store, repo, cache, kafka, Settings.defaults(), meters, otel);
    }

    public static CommentJob create(CommentStore store, CommentReadRepo repo, CommentCache cache, KafkaConfig kafka,
                                    Settings settings, MeterRegistry meters, OpenTelemetry otel) {
        return create(store, repo, cache, SubjectCountFeed.NONE, kafka, settings, meters, otel);
    }

    /** @param counts told each video's comment count after the job changed it (the archive's stat) */
    public static CommentJob create(CommentStore store, CommentReadRepo repo, CommentCache cache,
                                    SubjectCountFeed counts, KafkaConfig kafka, Settings settings,
                                    MeterRegistry meters, OpenTelemetry otel) {
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        JobUsecase usecase = new JobUsecase(store, repo, cache, counts, settings.usecase(), Clock.systemUTC(),
                registry);
        return create(usecase, kafka, settings, registry, otel);
    }

    /** The role around a given use case (tests wrap one). */
    public static CommentJob create(JobUsecase usecase, KafkaConfig kafka, Settings settings, MeterRegistry meters,
                                    OpenTelemetry otel) {
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        OpenTelemetry o = otel == null ? OpenTelemetry.noop() : otel;
        return new CommentJob(usecase, kafka, settings, registry, o);
    }

    /** Creates the topics when missing, then starts consuming (returns at once; partitions come in the background). */
    @Override
    public void start() {
        MqTopics.ensure(kafka, TOPIC, settings.eventPartitions());
        MqTopics.ensure(kafka, ARCHIVE_TOPIC, settings.archivePartitions());
        consumer.start();
    }

    @Override
    public void stop() {
        close();
    }

    /** Finishes the event in hand, commits what is done and leaves the group. Idempotent. */
    @Override
    public void close() {
        consumer.close();
    }

    public JobUsecase usecase() {
        return usecase;
    }

    public MqConsumer consumer() {
        return consumer;
    }

    /**
     * One partition's polled records: archive events one by one, comment events together ({@link
     * JobUsecase#applyAll}: a subject's consecutive posts share a transaction). Throwing offers the whole list again.
     */
    private void handle(List<MqRecord> records) {
        List<CommentEvent> events = new ArrayList<>(records.size());
        for (MqRecord r : records) {
            if (r.value() == null) {
                skip(r, "no value");
            } else if (ARCHIVE_TOPIC.equals(r.topic())) {
                ArchiveEvent e;
                try {
                    e = ArchiveEvent.parseFrom(r.value());
                } catch (InvalidProtocolBufferException ex) {
                    skip(r, "not an ArchiveEvent: " + ex.getMessage());
                    continue;
                }
                usecase.apply(e);
            } else {
                try {
                    events.add(CommentEvent.parseFrom(r.value()));
                } catch (InvalidProtocolBufferException ex) {
                    skip(r, "not a CommentEvent: " + ex.getMessage());
                }
            }
        }
        if (!events.isEmpty()) {
            usecase.applyAll(events);
        }
    }

    private void skip(MqRecord r, String why) {
        undecodable.increment();
        log.warn("skipping {}: {}", r.position(), why);
    }

    @Override
    public String toString() {
        return "CommentJob{" + consumer + "}";
    }
}
