package dev.plaza.comment.biz;

/** A comment: its index row and its content. */
public record Reply(ReplyIndex index, ReplyContent content) {
    public long rpid() {
        return index.rpid();
    }
}
