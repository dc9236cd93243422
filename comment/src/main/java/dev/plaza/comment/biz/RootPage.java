package dev.plaza.comment.biz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One page of a subject's roots. The pinned root is never in {@code replies}; it comes as {@code top} on the first
 * page (page mode) or at the beginning (cursor mode).
 *
 * @param subject the subject (an empty one, counts 0, for an existing object nobody commented on yet)
 * @param hasMore whether the index goes on after this page
 */
public record RootPage(Subject subject, Sort sort, int pn, int ps, List<ReplyNode> replies, Optional<ReplyNode> top,
                       boolean hasMore) {
    public RootPage {
        replies = List.copyOf(replies);
    }

    public RootPage withActions(Map<Long, Integer> actions) {
        return new RootPage(subject, sort, pn, ps, replies.stream().map(n -> n.withActions(actions)).toList(),
                top.map(n -> n.withActions(actions)), hasMore);
    }

    /** Every rpid on the page, top and first replies included. */
    public List<Long> rpids() {
        List<Long> out = new ArrayList<>();
        replies.forEach(n -> n.collect(out));
        top.ifPresent(n -> n.collect(out));
        return out;
    }
}
