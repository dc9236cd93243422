package dev.plaza.comment.admin;

import java.time.Instant;

/**
 * What an admin looks for in the comment search index. Every filter is optional (null: any); the answer is one page
 * ordered by {@code ctime} (ties by rpid in the same direction).
 *
 * @param keyword a phrase that must occur in the message (analyzed with the standard analyzer, so CJK text matches
 *                character by character, in order)
 * @param from    comments created at or after this instant
 * @param to      comments created at or before this instant
 * @param pn      page number, from 1
 * @param ps      page size, 1 to {@link #PS_MAX}
 */
public record CommentSearchQuery(String keyword, Long mid, Long oid, Integer type, Integer state, Instant from,
                                 Instant to, int pn, int ps, boolean oldestFirst) {
    public static final int PS_MAX = 50;
    /** OpenSearch's default {@code index.max_result_window}: pages may not reach past it. */
    public static final int WINDOW_MAX = 10_000;

    public CommentSearchQuery {
        if (pn < 1 || ps < 1 || ps > PS_MAX) {
            throw new IllegalArgumentException("pn must be >= 1 and ps 1.." + PS_MAX);
        }
        if ((long) pn * ps > WINDOW_MAX) {
            throw new IllegalArgumentException("pn * ps must be at most " + WINDOW_MAX);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from must not be after to");
        }
        if (keyword != null && keyword.isBlank()) {
            keyword = null;
        }
    }

    /** Newest first, no filters. */
    public static CommentSearchQuery all(int pn, int ps) {
        return new CommentSearchQuery(null, null, null, null, null, null, null, pn, ps, false);
    }

    public int offset() {
        return (pn - 1) * ps;
    }
}
