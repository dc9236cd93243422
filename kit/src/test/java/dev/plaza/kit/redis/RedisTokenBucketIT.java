package dev.plaza.kit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.redis.RedisTokenBucket.Decision;
import dev.plaza.kit.redis.RedisTokenBucket.OnError;
import dev.plaza.kit.redis.RedisTokenBucket.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The GCRA script on a real Redis: burst, refill, one quota over two connections, expiry, failure modes. Rates are
 * slow enough that a slow machine's round trips cannot refill a bucket between the calls that count it.
 */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTokenBucketIT {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RedisConfig config;
    private Redis redis;
    private Redis other;
    /** A fresh budget name per test: no flush needed, and reruns never see old keys. */
    private String prefix() {
        return "it:tb:" + UUID.randomUUID() + ":";
    }

    @BeforeAll
    void connect(Endpoints endpoints) {
        config = new RedisConfig(endpoints.redisUri() + "/7", Duration.ofSeconds(2));
        redis = Redis.connect(config);
        other = Redis.connect(config);
        // load the script and warm both connections: the timings below should measure Redis, not a first call
        for (Redis r : List.of(redis, other)) {
            new RedisTokenBucket(r, prefix(), Settings.quota("warm-up", 1, 1), null).tryAcquire("x");
        }
    }

    @AfterAll
    void close() {
        for (Redis r : List.of(redis, other)) {
            r.close();
        }
    }

    private static int allowed(RedisTokenBucket b, String key, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += b.tryAcquire(key).allowed() ? 1 : 0;
        }
        return n;
    }

    @Test
    void aFullBucketGivesItsBurstThenRefusesWithTheWait() {
        RedisTokenBucket b = new RedisTokenBucket(redis, prefix(), Settings.quota("burst", 1, 5), meters);
        assertThat(allowed(b, "a", 5)).isEqualTo(5);
        Decision refused = b.tryAcquire("a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(allowed(b, "b", 1)).as("another key has a bucket of its own").isEqualTo(1);
        assertThat(meters.get("plaza.quota.allowed").tag("limiter", "burst").counter().count()).isEqualTo(6);
        assertThat(meters.get("plaza.quota.refused").tag("limiter", "burst").counter().count()).isEqualTo(1);
    }

    @Test
    void oneTokenComesBackAfterOneOverTheRate() throws Exception {
        Duration interval = Duration.ofMillis(200);
        RedisTokenBucket b = new RedisTokenBucket(redis, prefix(), Settings.quota("refill", 5, 2), meters);
        // empty the bucket: 2 takes, more only if the machine stalled long enough to earn another token
        int taken = 0;
        Decision refused;
        while ((refused = b.tryAcquire("a")).allowed()) {
            taken++;
            assertThat(taken).as("a bucket that never empties").isLessThan(10);
        }
        assertThat(taken).isGreaterThanOrEqualTo(2);
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(interval);
        Thread.sleep(refused.retryAfter().toMillis() + 5);
        long back = System.nanoTime();
        assertThat(b.tryAcquire("a").allowed()).as("one token after its 200 ms").isTrue();
        boolean again = b.tryAcquire("a").allowed();
        if (since(back).compareTo(interval) < 0) {
            assertThat(again).as("and only one").isFalse();
        }
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    @Test
    void twoClientsOnTwoConnectionsShareOneQuota() {
        String prefix = prefix();
        RedisTokenBucket here = new RedisTokenBucket(redis, prefix, Settings.quota("shared", 1, 4), meters);
        RedisTokenBucket there = new RedisTokenBucket(other, prefix, Settings.quota("shared", 1, 4), meters);
        int taken = 0;
        for (int i = 0; i < 5; i++) {
            taken += here.tryAcquire("room").allowed() ? 1 : 0;
            taken += there.tryAcquire("room").allowed() ? 1 : 0;
        }
        assertThat(taken).as("4 over both instances, not 4 each").isEqualTo(4);
        assertThat(here.tryAcquire("room").allowed()).isFalse();
        assertThat(there.tryAcquire("room").allowed()).isFalse();
    }

    @Test
    void severalTokensAreTakenAllOrNone() {
        RedisTokenBucket b = new RedisTokenBucket(redis, prefix(), Settings.quota("n", 1, 5), meters);
        assertThat(b.tryAcquire("a", 3).allowed()).isTrue();
        Decision refused = b.tryAcquire("a", 3);
        assertThat(refused.allowed()).as("2 left").isFalse();
        assertThat(refused.retryAfter()).as("until the one token missing").isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(b.tryAcquire("a", 2).allowed()).as("the refusal took nothing").isTrue();
        assertThat(b.tryAcquire("a").allowed()).isFalse();
    }

    @Test
    void aKeyLivesUntilItsBucketIsFullAgain() throws Exception {
        RedisTokenBucket b = new RedisTokenBucket(redis, prefix(), Settings.quota("ttl", 2, 4), meters);
        String key = b.redisKey("a");
        assertThat(allowed(b, "a", 3)).isEqualTo(3);
        assertThat(redis.sync().pttl(key)).as("3 tokens at 500 ms each").isBetween(1L, 1500L);
        String tat = redis.sync().get(key);
        List<String> time = redis.sync().time();
        long nowMicros = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
        assertThat(tat).as("an exact integer of microseconds, Redis's clock").matches("\\d+");
        assertThat(Long.parseLong(tat) - nowMicros).isBetween(0L, 1_500_000L);
        Thread.sleep(1600);
        assertThat(redis.sync().exists(key)).as("a full bucket needs no key").isZero();
        assertThat(allowed(b, "a", 4)).as("and is full").isEqualTo(4);
        assertThat(redis.sync().pttl(key)).as("an empty one lives burst / rate").isBetween(1000L, 2000L);
    }

    @Test
    void whenRedisDoesNotAnswerTheChosenModeDecidesAndIsCounted() throws Exception {
        String uri = config.uri();
        try (Redis impatient = Redis.connect(new RedisConfig(uri, Duration.ofMillis(100)))) {
            String prefix = prefix();
            RedisTokenBucket open = new RedisTokenBucket(impatient, prefix, Settings.quota("open", 1, 1), meters);
            RedisTokenBucket shut = new RedisTokenBucket(impatient, prefix,
                    new Settings("shut", 1, 1, OnError.REFUSE), meters);
            assertThat(impatient.isHealthy()).isTrue(); // connected before the outage
            // a Redis that stops answering (overloaded, failing over): every command times out
            other.sync().clientPause(1500);
            assertThat(open.tryAcquire("a").allowed()).isTrue();
            assertThat(open.tryAcquire("a").allowed()).as("nothing is counted anywhere").isTrue();
            assertThat(shut.tryAcquire("a").allowed()).isFalse();
            assertThat(meters.get("plaza.quota.errors").tag("limiter", "open").counter().count()).isEqualTo(2);
            assertThat(meters.get("plaza.quota.errors").tag("limiter", "shut").counter().count()).isEqualTo(1);
        } finally {
            for (int i = 0; i < 10 && !other.isHealthy(); i++) { // answered once the pause is over
                Thread.sleep(100);
            }
        }
    }
}
