package dev.plaza.comment.biz;

/**
 * The score of a comment in a cached sorted-set index. Every writer of an index (the job's rebuilds and appends, the
 * cache's upserts) must use these, so that appended entries land where a rebuild would have put them. All root
 * indexes are read highest score first; reply indexes lowest first (by floor).
 *
 * <ul>
 *   <li>{@link Sort#TIME}: the floor (handed out in order of arrival, exact in a double).</li>
 *   <li>{@link Sort#LIKES} / {@link Sort#REPLIES}: likes (visible replies) first, then newer first: {@code n * 2^24 +
 *       floor}, exact in a double for up to 2^29 likes; floors above 2^24 tie.</li>
 *   <li>{@link Sort#HOT}: {@link HotScore#score} without its moving part. Its time decay is {@code 0.5^(age/h)} =
 *       {@code 0.5^(now/h) * 2^(ctime/h)}: the first factor is the same for every comment at any moment, so the order
 *       is that of {@code log2(confidence * volume) + ctime/h}, which never changes while the counters do not. An
 *       index therefore stays ordered as time passes without re-scoring, and a score computed today compares
 *       correctly with one computed last week. Comments with no approval at all sort by time below those with some
 *       (they get {@link #HOT_FLOOR} instead of log2(0)).</li>
 * </ul>
 */
public final class IndexScores {
    /** The half-life of {@link HotScore} in hours. */
    static final double HALF_LIFE_HOURS = 24;
    /** Stands in for log2(0): a comment nobody approved of yet. */
    static final double HOT_FLOOR = -64;
    private static final double TIE_SHIFT = 16_777_216d; // 2^24
    private static final long FLOOR_MAX = 16_777_215L;

    private IndexScores() {
    }

    /** The score of a root in the {@code sort} index. */
    public static double root(Sort sort, ReplyIndex r) {
        return switch (sort) {
            case TIME -> r.floor();
            case LIKES -> r.like() * TIE_SHIFT + Math.min(r.floor(), FLOOR_MAX);
            case REPLIES -> r.rcount() * TIE_SHIFT + Math.min(r.floor(), FLOOR_MAX);
            case HOT -> hot(r.like(), r.rcount(), r.hate(), r.ctime() == null ? 0 : r.ctime().toEpochMilli());
        };
    }

    /** The score of a reply in its root's index: its floor (read lowest first). */
    public static double reply(ReplyIndex r) {
        return r.floor();
    }

    /** The time-invariant form of {@link HotScore#score}: same order at any moment. */
    public static double hot(int likes, int replies, int hates, long ctimeMillis) {
        double base = HotScore.score(likes, replies, hates, 0);
        double log = base > 0 ? Math.log(base) / Math.log(2) : HOT_FLOOR;
        return log + ctimeMillis / 3_600_000.0 / HALF_LIFE_HOURS;
    }
}
