package dev.plaza.im.live.biz;

import java.util.List;

/** The last danmaku of each room, for newcomers. */
public interface DanmakuHistoryRepo {
    /** Appends to the room's list, dropping the oldest beyond the configured size. */
    void append(Danmaku danmaku);

    /** The room's recent danmaku, oldest first (newest last). */
    List<Danmaku> recent(long roomId);
}
