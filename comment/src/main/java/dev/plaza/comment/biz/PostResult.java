package dev.plaza.comment.biz;

/**
 * The answer to a post: the comment as it will be stored. Its floor is 0 (the job hands out floors when it applies
 * the post, a moment later), and its state is PENDING when the sensitive-word filter holds it for review.
 */
public record PostResult(Reply reply, boolean pendingReview) {
}
