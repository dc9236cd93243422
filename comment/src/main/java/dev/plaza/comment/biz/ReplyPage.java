package dev.plaza.comment.biz;

import java.util.List;

/** One page of the replies under a root, by floor. {@code root.index().rcount()} is the total count. */
public record ReplyPage(Subject subject, ReplyNode root, int pn, int ps, List<ReplyNode> replies) {
    public ReplyPage {
        replies = List.copyOf(replies);
    }
}
