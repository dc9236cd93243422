package dev.plaza.comment.data.cache;

import dev.plaza.comment.biz.WriteLimiter;
import dev.plaza.kit.redis.FixedWindowLimiter;
import dev.plaza.kit.redis.Redis;
import java.time.Duration;

/**
 * A fixed-window counter per user in Redis ({@code c:lim:{name}:{mid}}), shared by every service instance: at most
 * {@code limit} writes per {@code window}.
 */
public final class RedisWriteLimiter implements WriteLimiter {
    private final FixedWindowLimiter limiter;

    /**
     * @param name which budget ({@code post}, {@code action}): separate counters
     */
    public RedisWriteLimiter(Redis redis, String name, int limit, Duration window) {
        this.limiter = new FixedWindowLimiter(redis, prefix(name), limit, window);
    }

    @Override
    public boolean tryAcquire(long mid) {
        return limiter.tryAcquire(Long.toString(mid));
    }

    static String key(String name, long mid) {
        return prefix(name) + mid;
    }

    private static String prefix(String name) {
        return "c:lim:" + name + ":";
    }
}
