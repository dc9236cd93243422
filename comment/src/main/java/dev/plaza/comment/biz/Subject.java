package dev.plaza.comment.biz;

import java.time.Instant;

/**
 * The comment area of one object. Counts live here and are kept by the job in the same transaction as the rows they
 * count; nothing ever runs {@code COUNT(*)}.
 *
 * @param floorCount the last floor handed out (roots and replies share one counter, like Bilibili)
 * @param rootCount  visible root comments
 * @param allCount   all visible comments, roots and replies
 * @param state      {@link #STATE_OPEN} or {@link #STATE_CLOSED}
 * @param topRpid    the pinned root, 0 when none
 */
public record Subject(SubjectKey key, long ownerMid, int floorCount, int rootCount, int allCount, int state, int attrs,
                      long topRpid, Instant ctime, Instant mtime) {
    public static final int STATE_OPEN = 0;
    public static final int STATE_CLOSED = 1;

    public boolean closed() {
        return state == STATE_CLOSED;
    }
}
