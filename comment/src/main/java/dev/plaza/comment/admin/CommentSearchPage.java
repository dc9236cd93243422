package dev.plaza.comment.admin;

import java.util.List;

/** One page of search results; {@code total} counts every match, not just this page. */
public record CommentSearchPage(int pn, int ps, long total, List<CommentDoc> items) {
    public CommentSearchPage {
        items = List.copyOf(items);
    }
}
