package dev.plaza.account.data;

import dev.plaza.account.biz.LoginThrottle;
import dev.plaza.kit.redis.Redis;
import java.time.Duration;
import java.util.Locale;

/**
 * Fixed-window failure counters in Redis, shared by every account instance: {@code maxPerUser} failures per
 * username and {@code maxPerIp} per client address within {@code window}.
 */
public final class RedisLoginThrottle implements LoginThrottle {
    private final Redis redis;
    private final int maxPerUser;
    private final int maxPerIp;
    private final Duration window;

    public RedisLoginThrottle(Redis redis, int maxPerUser, int maxPerIp, Duration window) {
        this.redis = redis;
        this.maxPerUser = maxPerUser;
        this.maxPerIp = maxPerIp;
        this.window = window;
    }

    @Override
    public boolean isBlocked(String username, String clientIp) {
        var r = redis.sync();
        return count(r.get(userKey(username))) >= maxPerUser || count(r.get(ipKey(clientIp))) >= maxPerIp;
    }

    @Override
    public void recordFailure(String username, String clientIp) {
        var r = redis.sync();
        bump(r, userKey(username));
        bump(r, ipKey(clientIp));
    }

    @Override
    public void recordSuccess(String username) {
        redis.sync().del(userKey(username));
    }

    private void bump(io.lettuce.core.api.sync.RedisCommands<String, String> r, String key) {
        long n = r.incr(key);
        if (n == 1) {
            r.pexpire(key, window.toMillis());
        }
    }

    private static long count(String v) {
        return v == null ? 0 : Long.parseLong(v);
    }

    private static String userKey(String username) {
        return "acct:fail:u:" + username.toLowerCase(Locale.ROOT);
    }

    private static String ipKey(String ip) {
        return "acct:fail:ip:" + ip;
    }
}
