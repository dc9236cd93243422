package dev.plaza.im.live.biz;

/** The per-user per-room send budget. */
@FunctionalInterface
public interface DanmakuRateLimiter {
    /** Takes one send from (mid, room)'s budget; false when it is spent for the current window. */
    boolean tryAcquire(long mid, long roomId);
}
