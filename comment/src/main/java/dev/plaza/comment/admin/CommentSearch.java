package dev.plaza.comment.admin;

/**
 * Searching comments for moderators (implemented over OpenSearch, fed from the binlog, so it trails the tables by
 * about a second). Admin-only: the answer includes hidden, deleted and pending comments.
 */
public interface CommentSearch {
    CommentSearchPage search(CommentSearchQuery query);
}
