package dev.plaza.im.live.data;

import dev.plaza.im.live.biz.DanmakuRateLimiter;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;

/**
 * A fixed window per (user, room) in Redis: {@code im:dm:rl:<mid>:<room>} counts sends and expires a window after
 * the first one. One key per script run, so it works on Redis Cluster.
 */
public final class RedisDanmakuRateLimiter implements DanmakuRateLimiter {
    static final String PREFIX = "im:dm:rl:";

    /** INCR, and start the window on the first send (or when the key somehow lost its expiry). */
    private static final LuaScript TAKE = new LuaScript("""
            local n = redis.call('INCR', KEYS[1])
            if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return n
            """);

    private final Redis redis;
    private final int burst;
    private final String windowMillis;

    public RedisDanmakuRateLimiter(Redis redis, int burst, Duration window) {
        if (burst < 1 || window.toMillis() < 1) {
            throw new IllegalArgumentException("burst and window must be positive");
        }
        this.redis = redis;
        this.burst = burst;
        this.windowMillis = Long.toString(window.toMillis());
    }

    static String key(long mid, long roomId) {
        return PREFIX + mid + ":" + roomId;
    }

    @Override
    public boolean tryAcquire(long mid, long roomId) {
        Long n = TAKE.run(redis.sync(), ScriptOutputType.INTEGER, new String[] {key(mid, roomId)}, windowMillis);
        return n != null && n <= burst;
    }
}
