package dev.plaza.kit.mq;

import java.util.List;

/**
 * Handles the records of one partition at a time, in offset order, for jobs that batch their writes (one
 * multi-row insert, one pipeline). The list is never empty and holds at most {@code maxPollRecords} records.
 * Returning normally means every record of the list is done; throwing means none is considered done, and the batch
 * is offered again, from its first record, after a backoff (it may then hold more or fewer records). Handlers must be
 * idempotent, since delivery is at least once. With {@link MqConsumer.Builder#concurrency} above 1, the batches of
 * different partitions are handled at the same time on different threads, so the handler must be thread-safe (the
 * batches of one partition still never overlap).
 */
@FunctionalInterface
public interface MqBatchHandler {
    void handle(List<MqRecord> records) throws Exception;
}
