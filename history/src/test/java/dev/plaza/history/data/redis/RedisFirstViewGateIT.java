package dev.plaza.history.data.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The first-view gate on a real Redis: one winner per user and day however many race. */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisFirstViewGateIT {
    private static final int REDIS_DB = 14;
    private static final LocalDate DAY = LocalDate.of(2024, 5, 1);
    private Redis redis;
    private RedisFirstViewGate gate;

    @BeforeAll
    void connect(Endpoints endpoints) {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
        gate = new RedisFirstViewGate(redis);
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

    private int winnersOf(int callers, long mid, LocalDate day) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 0; n < callers; n++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return gate.firstToday(mid, day);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> a : answers) {
                winners += a.get() ? 1 : 0;
            }
            return winners;
        }
    }

    @Test
    void exactlyOneOfManyRacingCallersIsFirst() throws Exception {
        assertThat(winnersOf(200, 4242, DAY)).isEqualTo(1);
        assertThat(gate.firstToday(4242, DAY)).isFalse();
        long huge = 3_493_000_000_000_000L; // past the bitmaps: a key of its own
        assertThat(winnersOf(200, huge, DAY)).isEqualTo(1);
        assertThat(gate.firstToday(huge, DAY)).isFalse();
        assertThat(redis.sync().exists(RedisFirstViewGate.userKey(DAY, huge))).isEqualTo(1);
    }

    @Test
    void daysAndUsersAreIndependent() {
        long mid = 1000;
        long sameShard = mid + RedisFirstViewGate.DEFAULT_SHARDS; // same key, next bit
        long sameBit = mid + 1;                                   // next key, same bit
        assertThat(gate.firstToday(mid, DAY)).isTrue();
        assertThat(gate.firstToday(mid, DAY.plusDays(1))).isTrue();
        assertThat(gate.firstToday(sameShard, DAY)).isTrue();
        assertThat(gate.firstToday(sameBit, DAY)).isTrue();
        assertThat(gate.firstToday(mid, DAY)).isFalse();
        assertThat(gate.firstToday(mid, DAY.plusDays(1))).isFalse();
        assertThat(gate.firstToday(sameShard, DAY)).isFalse();
        assertThat(gate.firstToday(sameBit, DAY)).isFalse();
        assertThat(gate.firstToday(mid + 2, DAY)).isTrue();
        assertThatThrownBy(() -> gate.firstToday(0, DAY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBitmapIsShardedAndExpires() {
        long mid = 64 * 10 + 17;
        gate.firstToday(mid, DAY);
        String key = "h:fv:20240501:17";
        assertThat(RedisFirstViewGate.bitmapKey(DAY, 17)).isEqualTo(key);
        assertThat(redis.sync().getbit(key, 10)).isEqualTo(1L);
        assertThat(redis.sync().bitcount(key)).isEqualTo(1L);
        assertThat(redis.sync().strlen(key)).isEqualTo(2L); // bit 10 lives in the second byte
        long ttl = redis.sync().pttl(key);
        assertThat(ttl).isBetween(Duration.ofDays(2).minusMinutes(1).toMillis(), Duration.ofDays(2).toMillis());
        long huge = 1L << 40;
        gate.firstToday(huge, DAY);
        assertThat(redis.sync().pttl(RedisFirstViewGate.userKey(DAY, huge)))
                .isBetween(Duration.ofDays(2).minusMinutes(1).toMillis(), Duration.ofDays(2).toMillis());

        RedisFirstViewGate fewShards = new RedisFirstViewGate(redis, 4);
        assertThat(fewShards.firstToday(9, DAY.plusDays(3))).isTrue();
        assertThat(redis.sync().getbit("h:fv:20240504:1", 2)).isEqualTo(1L);
    }
}
