package dev.plaza.history.data.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The pause switch on a real Redis, as seen by the instance that set it and by others. */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisPauseSwitchIT {
    private static final int REDIS_DB = 13;
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
    void aSwitchIsSeenAtOnceByItsInstanceAndPersists() {
        RedisPauseSwitch pause = new RedisPauseSwitch(redis);
        assertThat(pause.isPaused(42)).isFalse(); // now cached as "not paused"
        pause.setPaused(42, true);
        assertThat(pause.isPaused(42)).isTrue();
        assertThat(pause.isPaused(43)).isFalse();
        assertThat(redis.sync().get("h:p:{42}")).isEqualTo("1");
        assertThat(redis.sync().pttl("h:p:{42}")).isEqualTo(-1L); // no TTL: paused until resumed

        pause.setPaused(42, false);
        assertThat(pause.isPaused(42)).isFalse();
        assertThat(redis.sync().exists("h:p:{42}")).isZero();
        pause.setPaused(42, false); // idempotent
        assertThat(new RedisPauseSwitch(redis).isPaused(42)).isFalse();
    }

    @Test
    void otherInstancesSeeASwitchWithinTheirLocalTtl() {
        RedisPauseSwitch setter = new RedisPauseSwitch(redis);
        RedisPauseSwitch slow = new RedisPauseSwitch(redis, Duration.ofMinutes(5));
        RedisPauseSwitch quick = new RedisPauseSwitch(redis, Duration.ofMillis(200));
        assertThat(slow.isPaused(7)).isFalse();
        assertThat(quick.isPaused(7)).isFalse();

        setter.setPaused(7, true);
        // the in-process answer is what makes isPaused cheap: Redis is not asked again within the local TTL
        assertThat(slow.isPaused(7)).isFalse();
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> quick.isPaused(7));
        assertThat(new RedisPauseSwitch(redis).isPaused(7)).isTrue(); // a fresh instance reads Redis
    }
}
