package dev.plaza.im.pm.biz;

import java.util.List;
import java.util.Optional;

/**
 * The conversations' messages (MariaDB, sharded by conversation). Each conversation has a sequence counter, which
 * {@link #append} advances under the conversation's row lock, so its messages are numbered 1, 2, 3, ... in commit
 * order with no gaps; and a delivery cursor, which the job advances after pushing.
 */
public interface MessageStore {
    /** Stores {@code m} as the conversation's next message, in one transaction; answers it with its seqno. */
    PrivateMessage append(NewMessage m);

    /**
     * Marks {@code original} (by key) recalled and appends the recall notice {@code notice}, in one transaction.
     *
     * @return the stored notice, or empty when the original is no longer {@link PrivateMessage#STATUS_NORMAL}
     *         (recalled meanwhile): nothing is written then
     */
    Optional<PrivateMessage> recall(ConversationId conv, long original, NewMessage notice);

    /** The message with this key in this conversation. */
    Optional<PrivateMessage> byKey(ConversationId conv, long msgKey);

    /** Messages with seqno greater than {@code afterSeqno}, oldest first, at most {@code limit}. */
    List<PrivateMessage> after(ConversationId conv, long afterSeqno, int limit);

    /** Messages with seqno less than {@code beforeSeqno}, newest first, at most {@code limit}. */
    List<PrivateMessage> before(ConversationId conv, long beforeSeqno, int limit);

    /** The conversation's newest seqno, 0 when it has no messages. */
    long maxSeqno(ConversationId conv);

    /**
     * Messages from {@code senderMid} with seqno in ({@code afterSeqno}, {@code throughSeqno}] that count as unread
     * for a session that has had the conversation applied through {@code throughSeqno}: text messages, not recalled
     * by a notice at or before {@code throughSeqno} (a later notice's -1 is still to come to that session).
     */
    int countUnread(ConversationId conv, long senderMid, long afterSeqno, long throughSeqno);

    /** Up to where the job has delivered this conversation (0 at first). */
    long deliveredSeqno(ConversationId conv);

    /** Moves the delivery cursor forward to {@code seqno} (never back). */
    void markDelivered(ConversationId conv, long seqno);

    /**
     * Conversations whose delivery cursor is behind their newest message although it changed more than
     * {@code quietMillis} ago: a notice was lost (Kafka refused it after the message was stored), so the job repairs
     * them. At most {@code limit} per shard.
     */
    List<ConversationId> undelivered(long quietMillis, int limit);
}
