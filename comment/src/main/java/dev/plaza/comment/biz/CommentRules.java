package dev.plaza.comment.biz;

/** Limits of the public API that are not configuration: Bilibili's numbers. */
public final class CommentRules {
    /** Characters (Unicode code points) of a message. */
    public static final int MESSAGE_MAX = 1000;
    /** Comments per page, roots or replies. */
    public static final int PAGE_SIZE_MAX = 20;
    public static final int PAGE_SIZE_DEFAULT = 20;
    /** Replies of a root shown under it in list views. */
    public static final int FIRST_REPLIES = 3;
    /** @mentions resolved per message; further names stay plain text. */
    public static final int MENTIONS_MAX = 10;
    /** Deep pages cost an index scan (cache) or an OFFSET (tables); nobody pages this far by hand. */
    public static final int PAGE_NUMBER_MAX = 10_000;
    /**
     * Roots a rebuilt sort index holds (the job's read-ahead). Appends can add entries below that prefix while the
     * roots between them are not cached, so readers trust a subject's cached index only within the prefix.
     */
    public static final int CACHED_ROOTS_MAX = 1000;
    /** Replies a rebuilt reply index of a root holds; the same reasoning as {@link #CACHED_ROOTS_MAX}. */
    public static final int CACHED_REPLIES_MAX = 2000;

    private CommentRules() {
    }

    /** Length as a reader counts it: code points, so an emoji is one character. */
    public static int length(String message) {
        return message.codePointCount(0, message.length());
    }
}
