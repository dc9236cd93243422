package dev.plaza.im.live.biz;

/**
 * Counts the danmaku sent to each room, for the video's stat (the archive's {@code stat.danmaku}). Best effort: a
 * count that does not get through shows in the next one.
 */
@FunctionalInterface
public interface DanmakuCounts {
    /** Nobody counts. */
    DanmakuCounts NONE = roomId -> { };

    /** One more danmaku was sent to {@code roomId}; must not block long or throw. */
    void sent(long roomId);
}
