package dev.plaza.im.pm.data.redis;

import dev.plaza.im.pm.biz.SendLimiter;
import dev.plaza.kit.redis.FixedWindowLimiter;
import dev.plaza.kit.redis.Redis;
import java.time.Duration;

/** The send budget per user over all conversations, a fixed window in Redis ({@code im:pm:rl:<mid>}). */
public final class RedisSendLimiter implements SendLimiter {
    static final String PREFIX = "im:pm:rl:";

    private final FixedWindowLimiter limiter;

    public RedisSendLimiter(Redis redis, int burst, Duration window) {
        this.limiter = new FixedWindowLimiter(redis, PREFIX, burst, window);
    }

    @Override
    public boolean tryAcquire(long mid) {
        return limiter.tryAcquire(Long.toString(mid));
    }
}
