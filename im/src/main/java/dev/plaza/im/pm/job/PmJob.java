package dev.plaza.im.pm.job;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.plaza.api.im.v1.PmNotice;
import dev.plaza.im.pm.biz.ConversationId;
import dev.plaza.im.pm.biz.MessageStore;
import dev.plaza.im.pm.biz.PmFanout;
import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqConsumer;
import dev.plaza.kit.mq.MqRecord;
import dev.plaza.kit.mq.MqTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private-message job: consumer group {@code im-pm-job} on the notice topic. A notice says "conversation C has
 * messages up to seqno N"; the job delivers C past its cursor in seqno order ({@link PmFanout}). One conversation's
 * notices share a partition, so one thread handles them, in order. At least once: the offset is committed only after
 * the fan-out returned, so a job killed mid-stream delivers again what it had in hand.
 *
 * <p>A sweep repairs what no notice will: every {@code sweepInterval} it looks for conversations whose cursor lags
 * their newest message although nothing happened for {@code quiet} (the send path stored a message but Kafka refused
 * its notice) and delivers them.
 */
public final class PmJob implements Lifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PmJob.class);
    public static final String GROUP = "im-pm-job";

    /**
     * @param topic         the notice topic (the send path's)
     * @param group         the consumer group; every job instance joins the same one
     * @param partitions    partitions of the topic when the job creates it
     * @param concurrency   partitions handled at once
     * @param sweepInterval how often to look for lagging conversations (0: never)
     * @param quiet         how long a lagging conversation must have been still before the sweep takes it
     */
    public record Settings(String topic, String group, int partitions, int concurrency, Duration sweepInterval,
                           Duration quiet) {
        public Settings {
            if (topic == null || topic.isBlank() || group == null || group.isBlank()) {
                throw new IllegalArgumentException("im.pm.job topic and group are required");
            }
            if (partitions < 1 || concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("im.pm.job partitions must be positive, concurrency 1-64");
            }
            Objects.requireNonNull(sweepInterval, "sweepInterval");
            Objects.requireNonNull(quiet, "quiet");
            if (sweepInterval.isNegative() || quiet.isNegative()) {
                throw new IllegalArgumentException("im.pm.job sweepInterval and quiet must not be negative");
            }
        }

        /** Topic {@code im-pm} (8 partitions), group {@code im-pm-job}, 8 partitions at once, a sweep every 10 s. */
        public static Settings defaults() {
            return new Settings("im-pm", GROUP, 8, 8, Duration.ofSeconds(10), Duration.ofSeconds(10));
        }
    }

    /** Conversations a sweep takes at most per shard table. */
    static final int SWEEP_LIMIT = 100;

    private final KafkaConfig kafka;
    private final Settings settings;
    private final PmFanout fanout;
    private final MessageStore messages;
    private final MqConsumer consumer;
    private final Counter swept;
    private final Counter malformed;
    private ScheduledExecutorService sweeper;

    public PmJob(PmFanout fanout, MessageStore messages, KafkaConfig kafka, Settings settings, MeterRegistry meters,
                 OpenTelemetry otel) {
        this.fanout = Objects.requireNonNull(fanout, "fanout");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        this.swept = Counter.builder("im_pm_swept_total")
                .description("conversations delivered by the sweep (their notice was lost)").register(registry);
        this.malformed = Counter.builder("im_pm_notices_malformed_total")
                .description("notices that could not be read, skipped").register(registry);
        this.consumer = MqConsumer.builder(kafka, settings.group(), List.of(settings.topic()))
                .handler(this::handle)
                .concurrency(settings.concurrency())
                .closeTimeout(Duration.ofSeconds(10))
                .meterRegistry(registry)
                .openTelemetry(otel == null ? OpenTelemetry.noop() : otel)
                .build();
    }

    /** Creates the topic when missing (the send path needs it too), then joins the group and starts the sweep. */
    @Override
    public void start() {
        MqTopics.ensure(kafka, settings.topic(), settings.partitions());
        consumer.start();
        if (!settings.sweepInterval().isZero()) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "im-pm-sweep");
                t.setDaemon(true);
                return t;
            });
            long every = settings.sweepInterval().toMillis();
            sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        }
    }

    void handle(MqRecord record) {
        PmNotice n;
        try {
            n = PmNotice.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            malformed.increment();
            log.warn("skipping a notice that is not a PmNotice at {}", record.position());
            return;
        }
        if (n.getLoMid() <= 0 || n.getLoMid() >= n.getHiMid()) {
            malformed.increment();
            log.warn("skipping a notice for no conversation ({}, {}) at {}", n.getLoMid(), n.getHiMid(),
                    record.position());
            return;
        }
        fanout.deliver(new ConversationId(n.getLoMid(), n.getHiMid()), n.getSeqno());
    }

    /** Delivers the conversations whose notices were lost. */
    void sweep() {
        try {
            for (ConversationId conv : messages.undelivered(settings.quiet().toMillis(), SWEEP_LIMIT)) {
                if (fanout.deliver(conv, messages.maxSeqno(conv)) > 0) {
                    swept.increment();
                }
            }
        } catch (RuntimeException e) {
            log.warn("private-message sweep failed; next one in {}", settings.sweepInterval(), e);
        }
    }

    @Override
    public void stop() {
        close();
    }

    /** Stops the sweep, lets the fan-outs in hand finish (their offsets are committed), leaves the group. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            try {
                sweeper.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumer.close();
    }

    /** Whether this instance owns partitions now (tests wait for an assignment before they count on delivery). */
    public boolean isAssigned() {
        return !consumer.assignment().isEmpty();
    }
}
