package dev.plaza.comment.data.cache;

import dev.plaza.comment.biz.WriteLimiter;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;

/**
 * A fixed-window counter per user in Redis ({@code c:lim:{name}:{mid}}), shared by every service instance: at most
 * {@code limit} writes per {@code window}. The counter and its expiry are set in one script, so a crash cannot leave
 * a counter that never expires.
 */
public final class RedisWriteLimiter implements WriteLimiter {
    private static final LuaScript INCR = new LuaScript("""
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n
            """);

    private final Redis redis;
    private final String name;
    private final int limit;
    private final Duration window;

    /**
     * @param name which budget ({@code post}, {@code action}): separate counters
     */
    public RedisWriteLimiter(Redis redis, String name, int limit, Duration window) {
        if (limit < 1 || window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("limit and window must be positive");
        }
        this.redis = redis;
        this.name = name;
        this.limit = limit;
        this.window = window;
    }

    @Override
    public boolean tryAcquire(long mid) {
        Long n = INCR.run(redis.sync(), ScriptOutputType.INTEGER, new String[]{key(name, mid)},
                Long.toString(window.toMillis()));
        return n != null && n <= limit;
    }

    static String key(String name, long mid) {
        return "c:lim:" + name + ":" + mid;
    }
}
