package dev.plaza.comment.biz;

import java.time.Instant;

/**
 * The index row of one comment: where it sits and its counters. For a root, {@code root = parent = dialog = 0};
 * for a reply, {@code root} is the root comment, {@code parent} the comment answered and {@code dialog} the first
 * reply of the conversation thread it belongs to.
 *
 * @param count  all replies ever made under this root (roots only)
 * @param rcount visible replies under this root (roots only)
 */
public record ReplyIndex(long rpid, SubjectKey key, long mid, long root, long parent, long dialog, int floor,
                         int count, int rcount, int like, int hate, int state, int attrs, Instant ctime) {
    public boolean isRoot() {
        return root == 0;
    }

    public boolean pinned() {
        return (attrs & ReplyState.ATTR_PINNED) != 0;
    }
}
