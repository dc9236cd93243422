package dev.plaza.history.server;

import dev.plaza.history.data.db.HistoryDbConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Settings of the history roles (config prefix {@code history}).
 *
 * @param db              the sharded store
 * @param cap             records kept in Redis per user (the newest); older pages come from the store
 * @param cacheTtl        how long a user's Redis history lives after their last report
 * @param flushInterval   how often merged reports go to the job
 * @param maxPending      merged keys that trigger an early flush (x4: reports are refused with -503)
 * @param regions         user groups per flush message ({@code mid % regions})
 * @param flushPartitions partitions of {@code history-flush} (and {@code history-first-view}) when created
 * @param retention       records older than this are purged from the store
 * @param cleanupInterval how often the purge runs
 * @param rpcTimeout      deadline of calls to the history, archive and account services from the interface
 * @param zone            where "today" is for the first view of the day
 * @param job             the job role in this process
 * @param hot             the hot users' first pages kept in process
 */
public record HistoryConfig(HistoryDbConfig db, int cap, Duration cacheTtl, Duration flushInterval, int maxPending,
                            int regions, int flushPartitions, Duration retention, Duration cleanupInterval,
                            Duration rpcTimeout, String zone, Job job, Hot hot) {
    public HistoryConfig {
        Objects.requireNonNull(db, "history.db is required");
        if (cap < 10 || cap > 100_000) {
            throw new IllegalArgumentException("history.cap must be 10 to 100000");
        }
        if (maxPending < 1 || regions < 1 || flushPartitions < 1) {
            throw new IllegalArgumentException("history.maxPending, regions and flushPartitions must be positive");
        }
        for (Duration d : new Duration[] {cacheTtl, flushInterval, retention, cleanupInterval, rpcTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("history durations must be positive");
            }
        }
        try {
            ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("history.zone is not a time zone: '" + zone + "'");
        }
        Objects.requireNonNull(job, "history.job is required");
        Objects.requireNonNull(hot, "history.hot is required");
    }

    /**
     * @param enabled        run the job (Kafka consumer writing the store) in this process
     * @param maxPollRecords flush messages per poll (each holds up to 1,000 records)
     * @param concurrency    partitions written at the same time
     */
    public record Job(boolean enabled, int maxPollRecords, int concurrency) {
        public Job {
            if (maxPollRecords < 1 || concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("history.job.maxPollRecords must be positive, concurrency 1-64");
            }
        }
    }

    /**
     * Which users' list reads are hot on this instance, and how long their first page is kept. A user is hot while
     * among the {@code topK} most read with a count of at least {@code minCount}, counts halving every
     * {@code window}: read {@code minCount} times per window they are always hot, fewer than half that never.
     *
     * @param topK     users tracked as candidates
     * @param minCount the count that makes a user hot
     * @param window   how often counts are halved
     * @param ttl      how long a hot user's first page is served in process: the staleness of a change made
     *                 through another instance (this instance's own changes show at once)
     * @param maxPages pages kept at most
     */
    public record Hot(int topK, long minCount, Duration window, Duration ttl, long maxPages) {
        public Hot {
            if (topK < 1 || topK > 1024 || minCount < 1 || maxPages < 1) {
                throw new IllegalArgumentException(
                        "history.hot.topK must be 1 to 1024, minCount and maxPages positive");
            }
            for (Duration d : new Duration[] {window, ttl}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("history.hot.window and ttl must be positive");
                }
            }
        }

        /**
         * Top 32, hot from 20 reads per 10 s, pages kept 1 s. A 1 s copy saves nothing for a user read less than
         * once a second, so the bar sits there: 20 reads per window (2 a second) are always hot, under 10 never.
         */
        public static Hot defaults() {
            return new Hot(32, 20, Duration.ofSeconds(10), Duration.ofSeconds(1), 1000);
        }
    }

    public ZoneId zoneId() {
        return ZoneId.of(zone);
    }

    /**
     * Defaults around the given store: 1,000 per user, 3 min flushes (a player reports every 15 s, so about 12
     * reports of a viewer make one store write), up to 500,000 viewers merged per instance, 90 days kept, UTC days,
     * hot users' first pages kept 1 s ({@link Hot#defaults()}).
     */
    public static HistoryConfig defaults(HistoryDbConfig db) {
        return new HistoryConfig(db, 1000, Duration.ofDays(30), Duration.ofMinutes(3), 500_000, 16, 8,
                Duration.ofDays(90), Duration.ofHours(1), Duration.ofSeconds(2), "UTC", new Job(true, 20, 2),
                Hot.defaults());
    }
}
