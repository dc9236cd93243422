package dev.plaza.comment.biz;

/** The {@code state} column of a comment. Only {@link #NORMAL} is shown to readers. */
public final class ReplyState {
    public static final int NORMAL = 0;
    /** Hidden by a moderator; can be restored. */
    public static final int HIDDEN = 1;
    /** Deleted by its author, the subject's owner or an admin (soft delete). */
    public static final int DELETED = 2;
    /** Held by the sensitive-word filter until a moderator approves it. */
    public static final int PENDING = 3;

    /** Bit of {@code attrs}: the comment is pinned by the owner. */
    public static final int ATTR_PINNED = 1 << 1;

    private ReplyState() {
    }

    public static boolean visible(int state) {
        return state == NORMAL;
    }
}
