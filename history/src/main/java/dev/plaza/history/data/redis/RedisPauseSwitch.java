package dev.plaza.history.data.redis;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.plaza.history.biz.PauseSwitch;
import dev.plaza.kit.redis.Redis;
import java.time.Duration;

/**
 * The "pause history" switch in Redis: {@code h:p:{mid}} (STRING {@code 1}, no TTL: a paused user stays paused
 * until they resume; resuming deletes the key, so only paused users cost memory).
 *
 * <p>{@link #isPaused} runs on every progress report, so answers (paused or not) are kept in process for
 * {@code localTtl}: most reports then cost no Redis call. A switch takes effect at once on the instance that set it
 * (its local answer is replaced) and within {@code localTtl} on the others.
 */
public final class RedisPauseSwitch implements PauseSwitch {
    /** The default in-process lifetime of an answer. */
    public static final Duration LOCAL_TTL = Duration.ofSeconds(5);
    private static final long LOCAL_ENTRIES = 100_000;

    private final Redis redis;
    private final LoadingCache<Long, Boolean> local;

    public RedisPauseSwitch(Redis redis) {
        this(redis, LOCAL_TTL);
    }

    /** @param localTtl how long this instance trusts an answer: how late it sees a switch set elsewhere */
    public RedisPauseSwitch(Redis redis, Duration localTtl) {
        if (localTtl == null || localTtl.isNegative()) {
            throw new IllegalArgumentException("localTtl must not be negative");
        }
        this.redis = redis;
        this.local = Caffeine.newBuilder()
                .expireAfterWrite(localTtl)
                .maximumSize(LOCAL_ENTRIES)
                .build(mid -> redis.sync().exists(key(mid)) > 0);
    }

    public static String key(long mid) {
        return "h:p:{" + mid + "}";
    }

    @Override
    public boolean isPaused(long mid) {
        return local.get(mid);
    }

    @Override
    public void setPaused(long mid, boolean paused) {
        if (paused) {
            redis.sync().set(key(mid), "1");
        } else {
            redis.sync().del(key(mid));
        }
        // after Redis: a load racing with this put finishes first (same entry), so this answer is the one kept
        local.put(mid, paused);
    }
}
