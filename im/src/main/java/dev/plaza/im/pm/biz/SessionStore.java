package dev.plaza.im.pm.biz;

import java.util.List;
import java.util.Optional;

/**
 * Every user's sessions: the inbox and outbox entries (MariaDB, sharded by owner mid). Written by the job, one
 * conversation's messages in seqno order, so {@link #apply} can skip what it already applied.
 */
public interface SessionStore {
    /**
     * Applies message {@code m} to {@code owner}'s session with {@code talker} (created if missing) when
     * {@code m.seqno()} is above the session's {@code maxSeqno}; otherwise does nothing (a redelivery).
     *
     * @param unreadDelta  added to the unread count (at least 0 afterwards) when {@code unreadSeqno} is above the
     *                     session's {@code ackSeqno}: +1 for a new incoming message (its own seqno), -1 for the recall
     *                     of an incoming one (the recalled message's seqno), 0 for the owner's own messages
     * @param unreadSeqno  the seqno {@code unreadDelta} is about
     * @return whether it was applied
     */
    boolean apply(long owner, long talker, PrivateMessage m, int unreadDelta, long unreadSeqno);

    Optional<Session> get(long owner, long talker);

    /**
     * Acknowledges up to {@code ackSeqno} (never moving back) and sets the unread count to {@code unread}, but only when
     * the session's {@code maxSeqno} is still {@code expectedMaxSeqno} (else a message arrived meanwhile and the
     * caller counts again).
     *
     * @return false when the session changed meanwhile or does not exist
     */
    boolean ack(long owner, long talker, long ackSeqno, int unread, long expectedMaxSeqno, long ackTsMicros);

    /** {@code owner}'s sessions with {@code tsMicros} below {@code beforeTsMicros}, newest first, at most {@code limit}. */
    List<Session> list(long owner, long beforeTsMicros, int limit);
}
