package dev.plaza.im.pm.biz;

/**
 * Tells the job that a conversation has messages up to {@code seqno} (Kafka topic {@code im-pm}, keyed by
 * conversation so one conversation's notices are handled in order by one consumer).
 */
public interface PmNotices {
    /** Returns once the notice is durable; throws when it could not be made so. */
    void stored(ConversationId conv, long seqno);
}
