package dev.plaza.history.data.db;

import dev.plaza.history.biz.HistoryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets history older than the retention: every {@code interval} it calls {@link HistoryStore#purgeBefore} in steps
 * of {@code batch} rows until a step comes back short (nothing older is left), so each statement stays small and the
 * purge never holds many locks at once. The first run is one interval after {@link #start()}, so a restarting
 * process does not add a purge to its start-up. Safe to run on several processes at once (deletes are idempotent),
 * but one is enough.
 */
public final class HistoryRetention implements AutoCloseable {
    /** Counter of records purged for age. */
    public static final String PURGED = "history.store.purged";
    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final HistoryStore store;
    private final Clock clock;
    private final Settings settings;
    private final Counter purged;
    private ScheduledExecutorService timer;
    private volatile boolean closed;

    /**
     * @param interval  time between purges (default 1 h)
     * @param retention records viewed longer ago than this are deleted (default 90 days)
     * @param batch     rows per purge step (default 5000)
     */
    public record Settings(Duration interval, Duration retention, int batch) {
        public Settings {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be positive, was " + interval);
            }
            if (retention == null || retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("retention must be positive, was " + retention);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be at least 1, was " + batch);
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofHours(1), Duration.ofDays(90), 5000);
        }
    }

    public HistoryRetention(HistoryStore store, Clock clock, Settings settings, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.purged = Counter.builder(PURGED).description("history records deleted for being older than the retention")
                .register(meters);
    }

    public synchronized void start() {
        if (timer != null || closed) {
            return;
        }
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("history-retention").factory());
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long every = settings.interval().toMillis();
        // fixed delay: a purge that takes longer than the interval is never run twice at once
        t.scheduleWithFixedDelay(this::runSafely, every, every, TimeUnit.MILLISECONDS);
        timer = t;
    }

    /** One purge now, step after step until nothing older than the retention is left (or closed); returns rows. */
    public long runOnce() {
        long cutoff = clock.millis() - settings.retention().toMillis();
        long total = 0;
        long started = System.nanoTime();
        while (!closed) {
            int n = store.purgeBefore(cutoff, settings.batch());
            total += n;
            purged.increment(n);
            if (n < settings.batch()) {
                break;
            }
        }
        if (total > 0) {
            log.info("history retention purged {} records viewed before {} in {} ms", total,
                    Instant.ofEpochMilli(cutoff), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } else {
            log.debug("history retention: nothing viewed before {}", Instant.ofEpochMilli(cutoff));
        }
        return total;
    }

    /** A failure (database down) is logged and the next interval tries again; it must not end the schedule. */
    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("history retention failed; retrying in {}", settings.interval(), e);
        }
    }

    /** Stops the schedule; a running purge stops after its current step. */
    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
            try {
                if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("history retention did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
