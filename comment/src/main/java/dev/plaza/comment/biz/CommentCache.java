package dev.plaza.comment.biz;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Redis side of the read path: subject entries, one sorted-set index per (subject, sort) of root rpids, one per
 * root of its reply rpids, and comment entries fetched with MGET. Indexes are only ever appended to when they already
 * exist (EXPIRE first, then ZADD), so a partial index is never created by a write; a missing index is rebuilt whole
 * by the job.
 */
public interface CommentCache {
    Optional<Subject> subject(SubjectKey key);

    void putSubject(Subject subject);

    void evictSubject(SubjectKey key);

    /** A page of root rpids in {@code sort} order, or empty when the index is not cached. */
    Optional<List<Long>> rootPage(SubjectKey key, Sort sort, int offset, int limit);

    /** A page of reply rpids of one root by floor, or empty when that index is not cached. */
    Optional<List<Long>> replyPage(SubjectKey key, long root, int offset, int limit);

    /** Replaces the whole index with these (rpid, score) entries (a rebuild), expiring after the cache TTL. */
    void rebuildRoots(SubjectKey key, Sort sort, List<Scored> entries);

    void rebuildReplies(SubjectKey key, long root, List<Scored> entries);

    /** Adds or re-scores a root in every cached index of the subject; no-op for indexes that are not cached. */
    void upsertRoot(ReplyIndex root);

    /** Adds a reply to its root's cached index; no-op when that index is not cached. */
    void appendReply(ReplyIndex reply);

    /** Takes a comment out of every cached index it is in. */
    void remove(ReplyIndex reply);

    Map<Long, Reply> replies(Collection<Long> rpids);

    void putReplies(Collection<Reply> replies);

    void evictReply(long rpid);

    record Scored(long rpid, double score) {
    }
}
