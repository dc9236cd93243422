package dev.plaza.kit.redis;

import dev.plaza.kit.limit.LimiterMetrics;
import dev.plaza.kit.metrics.MetricNames;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket per key in Redis ({@code <prefix><key>}), shared by every instance: {@code burst} tokens at most,
 * refilled at {@code ratePerSecond}. The same GCRA as {@code kit.limit.TokenBucket}, but the theoretical arrival time
 * (when the bucket is full again, in microseconds) lives in one Redis string per key, and one script reads, decides
 * and writes it, so concurrent takes from any instance are serialised by Redis.
 *
 * <p>Time comes from Redis ({@code TIME}), not from the callers: instances whose clocks disagree by a few hundred
 * milliseconds would otherwise move each other's arrival time back and forth and let through more or less than the
 * rate. A key expires when its bucket would be full again, so an absent key is a full bucket and idle keys cost
 * nothing. One key per run: works on Redis Cluster.
 */
public final class RedisTokenBucket {
    private static final Logger log = LoggerFactory.getLogger(RedisTokenBucket.class);

    /**
     * ARGV: microseconds per token, burst tolerance (microseconds per token x burst), tokens wanted. Answers
     * {allowed 0/1, microseconds to wait before the tokens would be there}. {@code replicate_commands}: before
     * Redis 5 a script that read TIME could not write unless it asked for effects replication (the replica's clock
     * would differ); from 5 on that is the default and the call a no-op.
     */
    private static final LuaScript TAKE = new LuaScript("""
            redis.replicate_commands()
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then
              tat = now
            end
            local newTat = tat + interval * tonumber(ARGV[3])
            local ahead = newTat - now
            if ahead > tolerance then
              return {0, ahead - tolerance}
            end
            redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil(ahead / 1000))
            return {1, 0}
            """);

    /** What to answer when Redis cannot be asked. */
    public enum OnError {
        /** Fail open: let the request through (the limit is not enforced while Redis is down). */
        ALLOW,
        /** Fail closed: refuse the request (nothing passes while Redis is down). */
        REFUSE
    }

    /**
     * @param name          the limiter's name, the metrics' {@code limiter} tag ({@code comment.subject})
     * @param ratePerSecond tokens added per second, over all instances together
     * @param burst         tokens a full bucket holds
     * @param onError       fail open or closed when Redis fails
     */
    public record Settings(String name, double ratePerSecond, int burst, OnError onError) {
        public Settings {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a limiter needs a name");
            }
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond) || burst < 1) {
                throw new IllegalArgumentException("rate must be positive and burst at least 1, got "
                        + ratePerSecond + "/s and " + burst);
            }
            Objects.requireNonNull(onError, "onError");
            // Lua numbers are doubles: arrival times (epoch microseconds plus this) must stay exact integers
            if ((double) intervalMicros(ratePerSecond) * burst > 1e15) {
                throw new IllegalArgumentException("burst / rate must be under 30 years, got " + burst + " at "
                        + ratePerSecond + "/s");
            }
        }

        /**
         * A quota that fails open: a shared limit on top of the per-user ones protects a hot object from a crowd,
         * and while Redis is down the per-user limits (and the overload limiter) still hold, so refusing every write
         * would turn a cache outage into a write outage for no gain.
         */
        public static Settings quota(String name, double ratePerSecond, int burst) {
            return new Settings(name, ratePerSecond, burst, OnError.ALLOW);
        }

        /** Microseconds per token (at least 1). */
        public long intervalMicros() {
            return intervalMicros(ratePerSecond);
        }

        /** How long an empty bucket takes to fill again: burst x interval, the longest a key lives. */
        public Duration refillTime() {
            return Duration.ofNanos(intervalMicros() * burst * 1000);
        }

        private static long intervalMicros(double ratePerSecond) {
            return Math.max(1, Math.round(1_000_000 / ratePerSecond));
        }
    }

    /**
     * One answer.
     *
     * @param allowed    the tokens were taken
     * @param retryAfter when refused, how long until the tokens would be there (zero when allowed)
     */
    public record Decision(boolean allowed, Duration retryAfter) {
        static final Decision ALLOWED = new Decision(true, Duration.ZERO);
    }

    /** Runs the script on one key; a seam so the answer handling is testable without a server. */
    @FunctionalInterface
    interface Script {
        List<Object> run(String key, String... args);
    }

    private final Script script;
    private final String prefix;
    private final Settings settings;
    private final String interval;
    private final String tolerance;
    private final Counter allowed;
    private final Counter refused;
    private final Counter errors;

    /**
     * @param prefix names the budget in the keys ({@code c:quota:post:})
     * @param meters null records nothing
     */
    public RedisTokenBucket(Redis redis, String prefix, Settings settings, MeterRegistry meters) {
        this((key, args) -> TAKE.run(redis.sync(), ScriptOutputType.MULTI, new String[] {key}, args), prefix,
                settings, meters);
        Objects.requireNonNull(redis, "redis");
    }

    RedisTokenBucket(Script script, String prefix, Settings settings, MeterRegistry meters) {
        this.script = Objects.requireNonNull(script, "script");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.interval = Long.toString(settings.intervalMicros());
        this.tolerance = Long.toString(settings.intervalMicros() * settings.burst());
        // an empty composite hands out no-op meters: callers without a registry need no null checks
        MeterRegistry registry = meters == null ? new CompositeMeterRegistry() : meters;
        this.allowed = counter(registry, MetricNames.QUOTA_ALLOWED, "requests a shared quota let through");
        this.refused = counter(registry, MetricNames.QUOTA_REFUSED, "requests a shared quota refused");
        this.errors = counter(registry, MetricNames.QUOTA_ERRORS,
                "quota checks Redis could not answer (decided by the limiter's onError)");
    }

    private Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).tag(LimiterMetrics.LIMITER, settings.name())
                .register(registry);
    }

    /** Takes one token from {@code key}'s bucket. */
    public Decision tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /** Takes {@code tokens} (1 to burst) from {@code key}'s bucket, all or none. */
    public Decision tryAcquire(String key, int tokens) {
        if (tokens < 1 || tokens > settings.burst()) {
            throw new IllegalArgumentException("tokens must be 1 to " + settings.burst() + ", got " + tokens);
        }
        Decision d;
        try {
            d = decision(script.run(prefix + key, interval, tolerance, Integer.toString(tokens)));
        } catch (RedisException e) {
            errors.increment();
            // the error counter is the alert; a line per request would flood the log during an outage
            log.debug("quota {} not checked for {}: {}", settings.name(), key, e.toString());
            d = settings.onError() == OnError.ALLOW ? Decision.ALLOWED
                    : new Decision(false, Duration.ofNanos(settings.intervalMicros() * 1000));
        }
        (d.allowed() ? allowed : refused).increment();
        return d;
    }

    static Decision decision(List<Object> reply) {
        if (reply == null || reply.size() != 2) {
            throw new IllegalStateException("unexpected token bucket reply " + reply);
        }
        if (((Long) reply.get(0)) == 1L) {
            return Decision.ALLOWED;
        }
        return new Decision(false, Duration.ofNanos((Long) reply.get(1) * 1000));
    }

    public Settings settings() {
        return settings;
    }

    /** The Redis key of {@code key}'s bucket. */
    public String redisKey(String key) {
        return prefix + key;
    }
}
