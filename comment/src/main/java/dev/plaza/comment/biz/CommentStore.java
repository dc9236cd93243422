package dev.plaza.comment.biz;

import java.util.List;
import java.util.Optional;

/**
 * The write side of the tables, used by the job only. Every method is one transaction and is idempotent, because
 * Kafka delivers at least once: applying the same event twice changes nothing the second time.
 */
public interface CommentStore {
    /**
     * Writes the content row, then in one transaction locks the subject (creating it with {@code ownerMid} if
     * missing), takes the next floor, inserts the index row and bumps the subject's and the root's counts.
     *
     * @return the stored comment, or the one already stored under this rpid (a redelivery), with {@code created}
     *         telling which
     */
    PostOutcome applyPost(NewReply reply, long ownerMid);

    /**
     * Several posts to one subject, with the effect of {@link #applyPost} on each in order, in one transaction (one
     * commit instead of one per post: a hot subject's burst is written at the speed of the database's statements,
     * not of its log flushes). A post that can never apply (a bad thread, a bad field) is refused in its slot and the
     * others still apply; a failure of the database fails the whole call and nothing of it is committed.
     *
     * @param replies posts of subject {@code key}, in the order they were accepted
     * @return one attempt per post, in the same order
     */
    List<PostAttempt> applyPosts(SubjectKey key, List<NewReply> replies, long ownerMid);

    /** What became of one post of {@link #applyPosts}: its outcome, or the permanent error that refused it. */
    record PostAttempt(PostOutcome outcome, dev.plaza.kit.errors.PlazaError refused) {
    }

    record NewReply(long rpid, SubjectKey key, long mid, long root, long parent, String message, List<Long> atMids,
                    String ip, String platform, String device, int state, java.time.Instant ctime) {
    }

    record PostOutcome(Reply reply, Subject subject, boolean created) {
    }

    /**
     * Records {@code mid}'s like (kind 1) or dislike (kind 2) on a comment, or removes it ({@code doIt = false}),
     * once per user: the counters move only when the user's recorded action changes. A like replaces a dislike and
     * the other way round.
     *
     * @return the comment's counters after the change, or empty when there is no such visible comment
     */
    Optional<ReplyIndex> applyAction(SubjectKey key, long rpid, long mid, int kind, boolean doIt);

    /**
     * Soft-deletes a comment and fixes the counts: a root takes its visible replies out of the subject's all-count
     * (they are hidden with it); a reply takes one from its root's rcount and the subject's all-count. Unpins it.
     *
     * @return the comment as it was before, or empty when it did not exist or was already deleted
     */
    Optional<ReplyIndex> applyDelete(SubjectKey key, long rpid);

    /** Pins a visible root (unpinning the previous one) or unpins it; returns the subject after. */
    Optional<Subject> applyPin(SubjectKey key, long rpid, boolean pinned);

    /** Opens or closes the subject for new comments, creating it if needed. */
    Subject applyClose(SubjectKey key, long ownerMid, boolean closed);

    /** Moves a comment between NORMAL, HIDDEN and PENDING (moderation), keeping the counts right. */
    Optional<ReplyIndex> applyModerate(SubjectKey key, long rpid, int state);

    /** Creates the subject if it does not exist (used when a video is created). */
    Subject ensureSubject(SubjectKey key, long ownerMid);
}
