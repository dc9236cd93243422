package dev.plaza.comment.data.cache;

import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.biz.SubjectPostQuota;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisTokenBucket;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A token bucket per subject in Redis ({@code c:quota:post:{type}:{oid}}), shared by every instance. Fails open: while
 * Redis is down the per-user windows are down too, and refusing every post would turn a cache outage into a write
 * outage (counted in {@code plaza_quota_errors_total{limiter="comment.subject.post"}}).
 */
public final class RedisSubjectPostQuota implements SubjectPostQuota {
    static final String PREFIX = "c:quota:post:";
    /** The metrics' {@code limiter} tag. */
    public static final String LIMITER = "comment.subject.post";

    private final RedisTokenBucket bucket;

    public RedisSubjectPostQuota(Redis redis, double ratePerSecond, int burst, MeterRegistry meters) {
        this.bucket = new RedisTokenBucket(redis, PREFIX, RedisTokenBucket.Settings.quota(LIMITER, ratePerSecond,
                burst), meters);
    }

    /** The quota the settings describe: none when {@code ratePerSecond} is 0. */
    public static SubjectPostQuota of(Redis redis, double ratePerSecond, int burst, MeterRegistry meters) {
        return ratePerSecond > 0 ? new RedisSubjectPostQuota(redis, ratePerSecond, burst, meters)
                : SubjectPostQuota.unlimited();
    }

    @Override
    public boolean tryAcquire(SubjectKey subject) {
        return bucket.tryAcquire(id(subject)).allowed();
    }

    static String key(SubjectKey subject) {
        return PREFIX + id(subject);
    }

    private static String id(SubjectKey subject) {
        return subject.type() + ":" + subject.oid();
    }
}
