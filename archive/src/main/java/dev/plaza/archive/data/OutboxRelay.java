package dev.plaza.archive.data;

import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox to Kafka: one daemon thread claims due rows, sends them keyed by aid (acks=all, idempotent
 * producer), and deletes a row only after the broker acknowledged it. A row that fails is given back with an
 * exponential backoff and retried; nothing is ever dropped. Delivery is at least once (a crash between the ack and
 * the delete publishes the event again), so consumers deduplicate by aid and kind.
 *
 * <p>The thread polls every {@code pollInterval} and is woken at once by {@link #wake()} after a commit. A platform
 * thread, not a virtual one: the Kafka client blocks inside synchronized code, which would pin a carrier thread.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Bounds metadata waits and delivery of one send (kit {@link MqProducer}'s send timeout). */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);
    /** Longer than any send can take (metadata wait + delivery timeout), so a lease never ends under a live send. */
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration BACKOFF_MIN = Duration.ofMillis(500);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    /**
     * @param topic        where events go ({@code archive-events})
     * @param partitions   partitions to create the topic with when it is missing
     * @param pollInterval how often to look for due rows when nobody wakes the relay
     * @param batchSize    rows claimed and sent per round
     */
    public record Settings(String bootstrap, String topic, int partitions, Duration pollInterval, int batchSize) {
        public Settings {
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new IllegalArgumentException("kafka bootstrap is required for the outbox relay");
            }
            if (partitions < 1 || batchSize < 1 || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("partitions, batchSize and pollInterval must be positive");
            }
        }
    }

    private final OutboxStore store;
    private final Settings settings;
    private final Counter published;
    private final Counter failed;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean running;
    private final MeterRegistry meters;
    private MqProducer producer;
    private Thread thread;

    public OutboxRelay(OutboxStore store, Settings settings, MeterRegistry meters) {
        this.store = store;
        this.settings = settings;
        this.meters = meters;
        this.published = Counter.builder("archive.outbox.published")
                .description("outbox events acknowledged by Kafka and deleted").register(meters);
        this.failed = Counter.builder("archive.outbox.failed")
                .description("outbox publish attempts that failed and were scheduled again").register(meters);
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        // No tracer of its own: each row's stored traceparent header is what carries the request's trace.
        producer = MqProducer.create(kafka(), meters, OpenTelemetry.noop(), DELIVERY_TIMEOUT);
        running = true;
        thread = new Thread(this::run, "archive-outbox-relay");
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> log.error("outbox relay stopped by an unexpected error; "
                + "events wait in archive_outbox until a relay runs again", e));
        thread.start();
        log.info("outbox relay publishing to {} at {}", settings.topic(), settings.bootstrap());
    }

    /** Asks the relay to look at the outbox now (called after a commit); cheap and never blocks. */
    public void wake() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    /** Stops after the current round (its sends finish or time out), then closes the producer. Rows left stay. */
    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        running = false;
        signal.release();
        try {
            thread.join(DELIVERY_TIMEOUT.multipliedBy(2).toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("outbox relay did not stop in time; its claimed rows are published again after their lease");
        }
        producer.close();
        thread = null;
    }

    private void run() {
        ensureTopic();
        while (running) {
            int claimed = 0;
            try {
                claimed = relayOnce();
            } catch (RuntimeException e) {
                // The database is unreachable or similar: nothing was lost, the rows stay; try again shortly.
                log.warn("outbox relay round failed, retrying: {}", e.toString());
                sleepQuietly(BACKOFF_MIN);
            }
            if (claimed < settings.batchSize()) {
                awaitWake();
            }
        }
    }

    /** One round: claim, send, wait for acks, delete what was acknowledged, give back what was not. */
    int relayOnce() {
        List<OutboxStore.Row> rows = store.claim(settings.batchSize(), LEASE);
        if (rows.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        RuntimeException sendFailure = null;
        for (OutboxStore.Row row : rows) {
            if (sendFailure != null) {
                acks.add(null);
                continue;
            }
            Map<String, String> headers = new HashMap<>();
            if (!row.traceparent().isEmpty()) {
                headers.put("traceparent", row.traceparent());
            }
            headers.put("plaza-event-kind", row.kind());
            try {
                acks.add(producer.sendAsync(settings.topic(), Long.toString(row.aid()), row.payload(), headers));
            } catch (RuntimeException e) {
                // The send itself failed (no metadata in time, producer closed...): do not make every remaining
                // row wait for metadata again; they are all retried after the backoff.
                sendFailure = e;
                acks.add(null);
            }
        }
        List<Long> done = new ArrayList<>(rows.size());
        Map<OutboxStore.Row, String> errors = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            OutboxStore.Row row = rows.get(i);
            Future<RecordMetadata> ack = acks.get(i);
            if (ack == null) {
                errors.put(row, String.valueOf(sendFailure));
                continue;
            }
            try {
                ack.get(DELIVERY_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
                done.add(row.id());
            } catch (ExecutionException e) {
                errors.put(row, String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.put(row, "interrupted");
            } catch (java.util.concurrent.TimeoutException e) {
                errors.put(row, "no acknowledgement within " + DELIVERY_TIMEOUT);
            }
        }
        store.delete(done);
        published.increment(done.size());
        if (!errors.isEmpty()) {
            failed.increment(errors.size());
            int maxAttempts = 0;
            for (Map.Entry<OutboxStore.Row, String> e : errors.entrySet()) {
                int attempts = e.getKey().attempts() + 1;
                maxAttempts = Math.max(maxAttempts, attempts);
                store.retryLater(e.getKey().id(), backoff(attempts), e.getValue());
            }
            log.warn("outbox relay: {} of {} events not acknowledged by Kafka (up to attempt {}), retrying with backoff: {}",
                    errors.size(), rows.size(), maxAttempts, errors.values().iterator().next());
        }
        return rows.size();
    }

    static Duration backoff(int attempts) {
        long ms = BACKOFF_MIN.toMillis() << Math.min(attempts - 1, 16);
        return Duration.ofMillis(Math.min(ms, BACKOFF_MAX.toMillis()));
    }

    /** Creates the topic when it is missing, so a broker without auto-creation works too. Best effort. */
    private void ensureTopic() {
        try {
            if (MqTopics.ensure(kafka(), settings.topic(), settings.partitions())) {
                log.info("created topic {} with {} partitions", settings.topic(), settings.partitions());
            }
        } catch (RuntimeException e) {
            log.warn("could not create topic {} (publishing anyway): {}", settings.topic(), e.toString());
        }
    }

    private KafkaConfig kafka() {
        return KafkaConfig.of(settings.bootstrap(), "plaza-archive-outbox");
    }

    private void awaitWake() {
        try {
            if (signal.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                signal.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
