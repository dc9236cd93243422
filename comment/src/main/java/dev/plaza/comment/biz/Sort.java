package dev.plaza.comment.biz;

/** Orders of the root list. The numbers are Bilibili's {@code sort} parameter (3 is our "hot"). */
public enum Sort {
    /** Newest first. */
    TIME(0),
    /** Most likes first. */
    LIKES(1),
    /** Most replies first. */
    REPLIES(2),
    /** Likes and replies against dislikes (Wilson lower bound) with time decay; see {@link HotScore}. */
    HOT(3);

    private final int code;

    Sort(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Sort of(int code) {
        for (Sort s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown sort " + code);
    }
}
