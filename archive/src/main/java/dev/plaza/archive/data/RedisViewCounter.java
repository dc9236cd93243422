package dev.plaza.archive.data;

import dev.plaza.archive.biz.ViewCounter;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.KeyValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Play counts as plain Redis counters {@code arc:view:<aid>} (INCR on each view, MGET for lists), shared by every
 * archive instance. Redis is the only store of these counts for now: a flushed Redis starts them at 0 again, which a
 * play counter can live with; a later job may fold them into the database. When Redis fails the view still renders,
 * with 0 plays.
 */
public final class RedisViewCounter implements ViewCounter {
    private static final Logger log = LoggerFactory.getLogger(RedisViewCounter.class);
    public static final String KEY = "arc:view:";

    private final Redis redis;

    public RedisViewCounter(Redis redis) {
        this.redis = redis;
    }

    @Override
    public long increment(long aid) {
        try {
            return redis.sync().incr(KEY + aid);
        } catch (RuntimeException e) {
            log.warn("view counter unavailable, showing 0 plays for {}: {}", aid, e.toString());
            return 0;
        }
    }

    @Override
    public Map<Long, Long> views(Collection<Long> aids) {
        if (aids.isEmpty()) {
            return Map.of();
        }
        String[] keys = aids.stream().map(a -> KEY + a).toArray(String[]::new);
        Map<Long, Long> out = new HashMap<>();
        try {
            for (KeyValue<String, String> kv : redis.sync().mget(keys)) {
                if (kv.hasValue()) {
                    out.put(Long.parseLong(kv.getKey().substring(KEY.length())), Long.parseLong(kv.getValue()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("view counter unavailable, showing 0 plays: {}", e.toString());
        }
        return out;
    }
}
