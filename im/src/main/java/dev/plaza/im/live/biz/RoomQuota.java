package dev.plaza.im.live.biz;

/**
 * A cap on danmaku sent to one room by all users together, shared by every instance. The per-user budget
 * ({@link DanmakuRateLimiter}) stops one user; this stops a crowd from pushing more into a room than its viewers can
 * read, which every comet would otherwise fan out to every connection in the room.
 */
@FunctionalInterface
public interface RoomQuota {
    /** Takes one danmaku from {@code roomId}'s quota; false when it is spent for now. */
    boolean tryAcquire(long roomId);

    /** No cap (the quota is off). */
    static RoomQuota unlimited() {
        return roomId -> true;
    }
}
