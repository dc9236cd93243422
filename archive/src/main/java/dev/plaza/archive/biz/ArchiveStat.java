package dev.plaza.archive.biz;

/**
 * A video's counters in the shape of Bilibili's {@code stat}. Only {@code view} is counted today; the others are fed
 * by the systems that come next (comments, likes, danmaku) and read 0 until then.
 */
public record ArchiveStat(long aid, long view, long reply, long like, long danmaku, long favorite, long coin,
                          long share) {
    public static ArchiveStat ofViews(long aid, long view) {
        return new ArchiveStat(aid, view, 0, 0, 0, 0, 0, 0);
    }
}
