package dev.plaza.im.live.data;

import dev.plaza.im.live.biz.DanmakuRateLimiter;
import dev.plaza.kit.redis.FixedWindowLimiter;
import dev.plaza.kit.redis.Redis;
import java.time.Duration;

/**
 * A fixed window per (user, room) in Redis: {@code im:dm:rl:<mid>:<room>} counts sends and expires a window after
 * the first one.
 */
public final class RedisDanmakuRateLimiter implements DanmakuRateLimiter {
    static final String PREFIX = "im:dm:rl:";

    private final FixedWindowLimiter limiter;

    public RedisDanmakuRateLimiter(Redis redis, int burst, Duration window) {
        this.limiter = new FixedWindowLimiter(redis, PREFIX, burst, window);
    }

    static String key(long mid, long roomId) {
        return PREFIX + mid + ":" + roomId;
    }

    @Override
    public boolean tryAcquire(long mid, long roomId) {
        return limiter.tryAcquire(mid + ":" + roomId);
    }
}
