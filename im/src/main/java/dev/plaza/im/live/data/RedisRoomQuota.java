package dev.plaza.im.live.data;

import dev.plaza.im.live.biz.RoomQuota;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisTokenBucket;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A token bucket per live room in Redis ({@code im:dm:quota:<room>}), shared by every instance. Fails open: the
 * per-user windows live in the same Redis, and chat that stops whenever Redis does would be worse than a room that
 * is briefly uncapped (counted in {@code plaza_quota_errors_total{limiter="im.live.room"}}).
 */
public final class RedisRoomQuota implements RoomQuota {
    static final String PREFIX = "im:dm:quota:";
    /** The metrics' {@code limiter} tag. */
    public static final String LIMITER = "im.live.room";

    private final RedisTokenBucket bucket;

    public RedisRoomQuota(Redis redis, double ratePerSecond, int burst, MeterRegistry meters) {
        this.bucket = new RedisTokenBucket(redis, PREFIX, RedisTokenBucket.Settings.quota(LIMITER, ratePerSecond,
                burst), meters);
    }

    /** The quota the settings describe: none when {@code ratePerSecond} is 0. */
    public static RoomQuota of(Redis redis, double ratePerSecond, int burst, MeterRegistry meters) {
        return ratePerSecond > 0 ? new RedisRoomQuota(redis, ratePerSecond, burst, meters) : RoomQuota.unlimited();
    }

    @Override
    public boolean tryAcquire(long roomId) {
        return bucket.tryAcquire(Long.toString(roomId)).allowed();
    }

    static String key(long roomId) {
        return PREFIX + roomId;
    }
}
