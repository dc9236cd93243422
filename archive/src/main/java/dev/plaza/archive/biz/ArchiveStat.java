package dev.plaza.archive.biz;

/**
 * A video's counters in the shape of Bilibili's {@code stat}: {@code view} counted by the archive, {@code reply}
 * and {@code danmaku} reported by the comment and im systems ({@link StatCounters}). Likes, favourites, coins and
 * shares have no system yet and read 0.
 */
public record ArchiveStat(long aid, long view, long reply, long like, long danmaku, long favorite, long coin,
                          long share) {
    public static ArchiveStat of(long aid, long view, long reply, long danmaku) {
        return new ArchiveStat(aid, view, reply, 0, danmaku, 0, 0, 0);
    }

    public static ArchiveStat none(long aid) {
        return of(aid, 0, 0, 0);
    }

    /** The same counters with {@code view} plays. */
    public ArchiveStat withView(long view) {
        return new ArchiveStat(aid, view, reply, like, danmaku, favorite, coin, share);
    }
}
