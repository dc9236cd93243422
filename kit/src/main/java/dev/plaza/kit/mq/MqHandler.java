package dev.plaza.kit.mq;

/**
 * Handles one record for an {@link MqConsumer}. Returning normally means the effect is done (and durable, if it must
 * be): only then may the record's offset be committed. Throwing means "not done": the same record is offered again
 * after a backoff. Handlers must be idempotent, since delivery is at least once. With
 * {@link MqConsumer.Builder#concurrency} above 1, records of different partitions are handled at the same time on
 * different threads, so the handler must be thread-safe (records of one partition still never overlap).
 */
@FunctionalInterface
public interface MqHandler {
    void handle(MqRecord record) throws Exception;
}
