package dev.plaza.archive.server;

import dev.plaza.kit.db.DbConfig;
import java.time.Duration;

/**
 * Settings of the video catalog (config prefix {@code archive}).
 *
 * @param accountTimeout    deadline of each profile look-up in the account service; on expiry owners show unnamed
 * @param eventPartitions   partitions of {@code archive-events} when the relay has to create the topic
 * @param relayPollInterval how often the outbox relay looks for unpublished events when not woken by a commit
 * @param relayBatchSize    outbox rows published per round
 */
public record ArchiveConfig(DbConfig db, Duration accountTimeout, int eventPartitions, Duration relayPollInterval,
                            int relayBatchSize) {
    public ArchiveConfig {
        if (db == null) {
            throw new IllegalArgumentException("archive.db is required");
        }
        if (accountTimeout == null || accountTimeout.isNegative() || accountTimeout.isZero()) {
            throw new IllegalArgumentException("archive.accountTimeout must be positive");
        }
        if (eventPartitions < 1) {
            throw new IllegalArgumentException("archive.eventPartitions must be at least 1");
        }
        if (relayPollInterval == null || relayPollInterval.isNegative() || relayPollInterval.isZero()) {
            throw new IllegalArgumentException("archive.relayPollInterval must be positive");
        }
        if (relayBatchSize < 1 || relayBatchSize > 1000) {
            throw new IllegalArgumentException("archive.relayBatchSize must be 1 to 1000");
        }
    }

    /** The defaults: 2 s account deadline, 4 partitions, a 200 ms poll, 100 events per round. */
    public static ArchiveConfig defaults(DbConfig db) {
        return new ArchiveConfig(db, Duration.ofSeconds(2), 4, Duration.ofMillis(200), 100);
    }
}
