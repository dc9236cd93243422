package dev.plaza.comment.biz;

import java.util.List;
import java.util.Map;

/**
 * A comment as a list shows it: the comment, the first replies under it (roots in list views), and what the reader
 * did to it ({@code action}: 0 nothing, 1 liked, 2 disliked).
 */
public record ReplyNode(Reply reply, List<ReplyNode> replies, int action) {
    public ReplyNode {
        replies = List.copyOf(replies);
    }

    public static ReplyNode of(Reply reply) {
        return new ReplyNode(reply, List.of(), 0);
    }

    public long rpid() {
        return reply.rpid();
    }

    public ReplyIndex index() {
        return reply.index();
    }

    /** This node and its replies with the reader's actions filled in. */
    public ReplyNode withActions(Map<Long, Integer> actions) {
        List<ReplyNode> kids = replies.isEmpty() ? replies : replies.stream().map(n -> n.withActions(actions)).toList();
        return new ReplyNode(reply, kids, actions.getOrDefault(reply.rpid(), 0));
    }

    /** Every rpid in this node and its replies. */
    void collect(java.util.Collection<Long> into) {
        into.add(reply.rpid());
        replies.forEach(n -> n.collect(into));
    }
}
