package dev.plaza.archive.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);
    /** Longer than any send can take (max block + delivery timeout), so a lease never ends under a live send. */
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
    private Producer<String, byte[]> producer;
    private Thread thread;

    public OutboxRelay(OutboxStore store, Settings settings, MeterRegistry meters) {
        this.store = store;
        this.settings = settings;
        this.published = Counter.builder("archive.outbox.published")
                .description("outbox events acknowledged by Kafka and deleted").register(meters);
        this.failed = Counter.builder("archive.outbox.failed")
                .description("outbox publish attempts that failed and were scheduled again").register(meters);
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        producer = new KafkaProducer<>(producerConfig(settings.bootstrap()), new StringSerializer(),
                new ByteArraySerializer());
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
            thread.join(MAX_BLOCK.plus(DELIVERY_TIMEOUT).toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("outbox relay did not stop in time; its claimed rows are published again after their lease");
        }
        producer.close(Duration.ofSeconds(5));
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
            ProducerRecord<String, byte[]> rec = new ProducerRecord<>(settings.topic(), Long.toString(row.aid()),
                    row.payload());
            if (!row.traceparent().isEmpty()) {
                rec.headers().add("traceparent", row.traceparent().getBytes(StandardCharsets.UTF_8));
            }
            rec.headers().add("plaza-event-kind", row.kind().getBytes(StandardCharsets.UTF_8));
            try {
                acks.add(producer.send(rec));
            } catch (RuntimeException e) {
                // send() itself failed (no metadata within max.block.ms, producer closed...): do not make every
                // remaining row wait max.block.ms again; they are all retried after the backoff.
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
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis(),
                AdminClientConfig.CLIENT_ID_CONFIG, "plaza-archive-outbox-admin");
        try (Admin admin = Admin.create(conf)) {
            admin.createTopics(List.of(new NewTopic(settings.topic(), Optional.of(settings.partitions()),
                    Optional.empty()))).all().get(REQUEST_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            log.info("created topic {} with {} partitions", settings.topic(), settings.partitions());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                log.warn("could not create topic {} (publishing anyway): {}", settings.topic(), e.getCause().toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not create topic {} (publishing anyway): {}", settings.topic(), e.toString());
        }
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

    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "plaza-archive-outbox");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
        return p;
    }
}
