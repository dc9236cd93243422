package dev.plaza.im.live.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.im.live.biz.Danmaku;
import dev.plaza.im.live.biz.RoomQuota;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The danmaku rate limit and recent list on a real Redis. */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisDanmakuIT {
    private static final int REDIS_DB = 7;
    private Redis redis;

    @BeforeAll
    void connect(Endpoints endpoints) {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
    }

    @BeforeEach
    void flush() {
        redis.sync().flushdb();
    }

    @AfterAll
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void burstThenRefusedThenAllowedAfterTheWindow() throws Exception {
        RedisDanmakuRateLimiter limiter = new RedisDanmakuRateLimiter(redis, 3, Duration.ofMillis(300));
        long started = System.nanoTime();
        assertThat(limiter.tryAcquire(1, 1000)).isTrue();
        assertThat(limiter.tryAcquire(1, 1000)).isTrue();
        assertThat(limiter.tryAcquire(1, 1000)).isTrue();
        boolean fourth = limiter.tryAcquire(1, 1000);
        if (System.nanoTime() - started < Duration.ofMillis(250).toNanos()) {
            assertThat(fourth).isFalse();
        }
        assertThat(limiter.tryAcquire(2, 1000)).isTrue(); // another user
        assertThat(limiter.tryAcquire(1, 1001)).isTrue(); // another room
        long pttl = redis.sync().pttl(RedisDanmakuRateLimiter.key(1, 1000));
        assertThat(pttl).isBetween(1L, 300L);

        Thread.sleep(350);
        assertThat(redis.sync().exists(RedisDanmakuRateLimiter.key(1, 1000))).isZero();
        assertThat(limiter.tryAcquire(1, 1000)).isTrue();
    }

    @Test
    void roomQuotaIsOneBucketPerRoomOverAllUsers() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RoomQuota quota = RedisRoomQuota.of(redis, 1, 3, meters); // one per second, 3 at once
        assertThat(quota.tryAcquire(1000)).isTrue();
        assertThat(quota.tryAcquire(1000)).isTrue();
        assertThat(quota.tryAcquire(1000)).isTrue();
        assertThat(quota.tryAcquire(1000)).isFalse();
        assertThat(quota.tryAcquire(1001)).as("another room").isTrue();
        assertThat(redis.sync().pttl(RedisRoomQuota.key(1000))).isBetween(2_000L, 3_000L);
        assertThat(meters.get("plaza.quota.refused").tag("limiter", RedisRoomQuota.LIMITER).counter().count())
                .isEqualTo(1);
        assertThat(RedisRoomQuota.of(redis, 0, 3, meters)).as("0 is off").isNotInstanceOf(RedisRoomQuota.class);
    }

    @Test
    void recentListIsCappedInOrderAndExpires() {
        RedisDanmakuHistory history = new RedisDanmakuHistory(redis, 10, Duration.ofDays(1));
        for (int i = 0; i < 13; i++) {
            history.append(new Danmaku("id" + i, 1000, 7, "alice", "m" + i + " <b>\"x\"</b>", 1, 25, 0xFFFFFF,
                    1_700_000_000_000L + i));
        }
        history.append(new Danmaku("other", 1001, 8, "bob", "elsewhere", 4, 30, 0xFF0000, 1_700_000_000_500L));

        List<Danmaku> recent = history.recent(1000);
        assertThat(recent).extracting(Danmaku::id)
                .containsExactly("id3", "id4", "id5", "id6", "id7", "id8", "id9", "id10", "id11", "id12");
        assertThat(recent.getLast()).isEqualTo(new Danmaku("id12", 1000, 7, "alice", "m12 <b>\"x\"</b>", 1, 25,
                0xFFFFFF, 1_700_000_000_012L));
        assertThat(redis.sync().llen(RedisDanmakuHistory.key(1000))).isEqualTo(10);
        long ttl = redis.sync().pttl(RedisDanmakuHistory.key(1000));
        assertThat(ttl).isBetween(Duration.ofDays(1).minusMinutes(1).toMillis(), Duration.ofDays(1).toMillis());
        assertThat(history.recent(1001)).extracting(Danmaku::text).containsExactly("elsewhere");
        assertThat(history.recent(1002)).isEmpty();
    }

    @Test
    void unreadableEntriesAreSkipped() {
        RedisDanmakuHistory history = new RedisDanmakuHistory(redis, 10, Duration.ofDays(1));
        redis.sync().rpush(RedisDanmakuHistory.key(5), "not json", "{\"x\":1}");
        history.append(new Danmaku("ok", 5, 7, "alice", "fine", 1, 25, 0, 1L));
        assertThat(history.recent(5)).extracting(Danmaku::id).containsExactly("ok");
    }
}
