package dev.plaza.kit.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Objects;

/**
 * A fixed-window counter per subject in Redis ({@code <prefix><subject>}), shared by every instance of a service: at
 * most {@code limit} takes per {@code window}. The counter and its expiry are set in one script, so a crash cannot
 * leave a counter that never expires; one key per run, so it works on Redis Cluster.
 */
public final class FixedWindowLimiter {
    /** INCR, and start the window on the first take (or when the key somehow lost its expiry). */
    private static final LuaScript TAKE = new LuaScript("""
            local n = redis.call('INCR', KEYS[1])
            if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return n
            """);

    private final Redis redis;
    private final String prefix;
    private final int limit;
    private final String windowMillis;

    /** @param prefix the keys' prefix, naming the budget ({@code im:pm:rl:}) */
    public FixedWindowLimiter(Redis redis, String prefix, int limit, Duration window) {
        if (limit < 1 || window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("limit and window must be positive");
        }
        this.redis = Objects.requireNonNull(redis, "redis");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.limit = limit;
        this.windowMillis = Long.toString(window.toMillis());
    }

    /** Takes one from {@code subject}'s budget; false when this window's is spent. */
    public boolean tryAcquire(String subject) {
        Long n = TAKE.run(redis.sync(), ScriptOutputType.INTEGER, new String[] {prefix + subject}, windowMillis);
        return n != null && n <= limit;
    }

    public int limit() {
        return limit;
    }
}
