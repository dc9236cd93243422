package dev.plaza.history.data.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.history.biz.FirstViewGate;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * "First view today" as per-day bitmaps in Redis, split over {@code shards} keys so that no single key takes every
 * user's report (on a cluster the shards spread over nodes). Braces here only mark placeholders: a key reads
 * {@code h:fv:20240501:17}.
 *
 * <pre>
 * h:fv:{yyyyMMdd}:{mid % shards}   STRING (bitmap)  bit {@code mid / shards} set once the user viewed that day
 *                                                   TTL 2 days from the key's first bit
 * h:fv:{yyyyMMdd}:u:{mid}          STRING "1"       the same for mids of shards * 2^27 and up            TTL 2 days
 * </pre>
 *
 * <p>{@code SETBIT} answers the bit's old value, so of any number of racing calls exactly one sees 0 and is told
 * "first". The bit and the key's TTL are set by one script, so a crash never leaves a bitmap that never expires.
 *
 * <p>Memory: Redis sizes a bitmap by its highest set bit, so each shard key takes up to {@code maxMid / shards}
 * bits and a day takes about {@code maxMid / 8} bytes over all shards, however many users viewed (100 million mids:
 * about 12 MB a day, 24 MB for the two days kept). A single very large mid would grow its shard key to that size,
 * so bitmaps stop at {@link #BITS_PER_SHARD} bits (16 MiB a shard key; mids below 2^33 with 64 shards) and larger
 * mids get a key of their own instead ({@code SET NX}, about 70 bytes each).
 *
 * <p>Every report asks, so this process remembers (mid, day) pairs already answered: after a user's first report
 * of the day here, their later reports cost no Redis round trip. Only "not first" is remembered, so exactly-once
 * still rests on Redis alone.
 */
public final class RedisFirstViewGate implements FirstViewGate {
    public static final int DEFAULT_SHARDS = 64;
    /** The most bits one shard key holds (16 MiB); Redis itself allows 2^32. */
    public static final long BITS_PER_SHARD = 1L << 27;
    static final Duration TTL = Duration.ofDays(2);

    /** KEYS[1] bitmap; ARGV[1] bit, ARGV[2] ttl ms. Returns the bit's old value. */
    private static final LuaScript SET_BIT = new LuaScript("""
            local old = redis.call('SETBIT', KEYS[1], ARGV[1], 1)
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return old
            """);

    private final Redis redis;
    private final int shards;
    private final long bitmapMidLimit;
    /** (day, mid) pairs this process saw answered; bounded, so a huge audience only costs more round trips. */
    private final Cache<String, Boolean> answered = Caffeine.newBuilder().maximumSize(1_000_000)
            .expireAfterWrite(Duration.ofHours(25)).build();

    public RedisFirstViewGate(Redis redis) {
        this(redis, DEFAULT_SHARDS);
    }

    /** @param shards how many bitmap keys a day is split over (fixed for a deployment: it decides the bits) */
    public RedisFirstViewGate(Redis redis, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be positive, was " + shards);
        }
        this.redis = redis;
        this.shards = shards;
        this.bitmapMidLimit = shards * BITS_PER_SHARD;
    }

    public static String bitmapKey(LocalDate day, int shard) {
        return "h:fv:" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + ":" + shard;
    }

    public static String userKey(LocalDate day, long mid) {
        return "h:fv:" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + ":u:" + mid;
    }

    @Override
    public boolean firstToday(long mid, LocalDate day) {
        if (mid <= 0) {
            throw new IllegalArgumentException("mid must be positive, was " + mid);
        }
        String seen = day.toEpochDay() + ":" + mid;
        if (answered.getIfPresent(seen) != null) {
            return false;
        }
        boolean first;
        if (mid >= bitmapMidLimit) {
            first = "OK".equals(redis.sync().set(userKey(day, mid), "1", SetArgs.Builder.nx().px(TTL.toMillis())));
        } else {
            Long old = SET_BIT.run(redis.sync(), ScriptOutputType.INTEGER,
                    new String[]{bitmapKey(day, (int) (mid % shards))}, Long.toString(mid / shards),
                    Long.toString(TTL.toMillis()));
            first = old != null && old == 0;
        }
        answered.put(seen, Boolean.TRUE);
        return first;
    }
}
