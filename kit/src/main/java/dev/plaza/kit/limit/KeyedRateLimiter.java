package dev.plaza.kit.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One {@link TokenBucket} per key (a user, an IP address), in process. Buckets live in a bounded Caffeine map and are
 * forgotten after {@code idle} without use (a forgotten bucket is a full one, so forgetting never tightens a limit).
 * For a limit that must hold over all instances use Redis instead ({@code kit.redis.RedisTokenBucket},
 * {@code kit.redis.FixedWindowLimiter}); this one is for flood protection at the edge, where a per-instance share is
 * what matters.
 */
public final class KeyedRateLimiter {
    private final String name;
    private final double ratePerSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final Cache<String, TokenBucket> buckets;
    private final Counter refused;

    /**
     * @param name      names the metric's {@code limiter} tag ({@code ip}, {@code user})
     * @param maxKeys   how many keys are tracked at once (the least recently used go first)
     * @param meters    null records nothing
     */
    public KeyedRateLimiter(String name, double ratePerSecond, int burst, Duration idle, int maxKeys,
                            LongSupplier nanoClock, MeterRegistry meters) {
        new TokenBucket(ratePerSecond, burst, nanoClock); // checks the numbers now, not at the first request
        this.name = name;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(idle).build();
        this.refused = meters == null ? null : Counter.builder("plaza_rate_limited")
                .description("requests refused by a per-key rate limit").tag("limiter", name).register(meters);
    }

    /** Takes one token from {@code key}'s bucket; false when it is empty. */
    public boolean tryTake(String key) {
        boolean ok = buckets.get(key, k -> new TokenBucket(ratePerSecond, burst, nanoClock)).tryTake();
        if (!ok && refused != null) {
            refused.increment();
        }
        return ok;
    }

    public String name() {
        return name;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    public int burst() {
        return burst;
    }
}
