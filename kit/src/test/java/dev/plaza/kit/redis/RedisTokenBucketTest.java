package dev.plaza.kit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.redis.RedisTokenBucket.Decision;
import dev.plaza.kit.redis.RedisTokenBucket.OnError;
import dev.plaza.kit.redis.RedisTokenBucket.Settings;
import io.lettuce.core.RedisConnectionException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Java side does around the script; the script itself runs on a real Redis in RedisTokenBucketIT. */
class RedisTokenBucketTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<List<String>> calls = new ArrayList<>();

    private RedisTokenBucket bucket(Settings s, List<Object> reply) {
        return new RedisTokenBucket((key, args) -> {
            List<String> call = new ArrayList<>(List.of(key));
            call.addAll(List.of(args));
            calls.add(call);
            return reply;
        }, "t:q:", s, meters);
    }

    private RedisTokenBucket failing(OnError onError) {
        return new RedisTokenBucket((key, args) -> {
            throw new RedisConnectionException("refused");
        }, "t:q:", new Settings("down", 10, 5, onError), meters);
    }

    private double count(String name, String limiter) {
        return meters.get(name).tag("limiter", limiter).counter().count();
    }

    @Test
    void sendsTheKeyTheIntervalTheToleranceAndTheTokensInMicroseconds() {
        RedisTokenBucket b = bucket(Settings.quota("comment.subject", 50, 200), List.of(1L, 0L));
        assertThat(b.tryAcquire("1:42")).isEqualTo(new Decision(true, Duration.ZERO));
        assertThat(b.tryAcquire("1:42", 3).allowed()).isTrue();
        assertThat(calls).containsExactly(List.of("t:q:1:42", "20000", "4000000", "1"),
                List.of("t:q:1:42", "20000", "4000000", "3"));
        assertThat(b.redisKey("1:42")).isEqualTo("t:q:1:42");
    }

    @Test
    void aRefusalCarriesTheWaitAndIsCounted() {
        RedisTokenBucket b = bucket(Settings.quota("room", 10, 5), List.of(0L, 73_500L));
        assertThat(b.tryAcquire("7")).isEqualTo(new Decision(false, Duration.ofMillis(73).plusNanos(500_000)));
        assertThat(count("plaza.quota.refused", "room")).isEqualTo(1);
        assertThat(count("plaza.quota.allowed", "room")).isZero();
        assertThat(count("plaza.quota.errors", "room")).isZero();
    }

    @Test
    void failsOpenByChoiceWhenRedisFails() {
        assertThat(failing(OnError.ALLOW).tryAcquire("k")).isEqualTo(new Decision(true, Duration.ZERO));
        assertThat(count("plaza.quota.errors", "down")).isEqualTo(1);
        assertThat(count("plaza.quota.allowed", "down")).isEqualTo(1);
    }

    @Test
    void failsClosedByChoiceWhenRedisFails() {
        Decision d = failing(OnError.REFUSE).tryAcquire("k");
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfter()).as("one token's time: a guess, nothing better is known").isEqualTo(
                Duration.ofMillis(100));
        assertThat(count("plaza.quota.errors", "down")).isEqualTo(1);
        assertThat(count("plaza.quota.refused", "down")).isEqualTo(1);
    }

    @Test
    void aBugIsNotTakenForAnOutage() {
        RedisTokenBucket b = bucket(Settings.quota("odd", 10, 5), List.of(1L));
        assertThatThrownBy(() -> b.tryAcquire("k")).isInstanceOf(IllegalStateException.class);
        assertThat(count("plaza.quota.errors", "odd")).isZero();
    }

    @Test
    void tokensMustFitTheBucket() {
        RedisTokenBucket b = bucket(Settings.quota("small", 10, 5), List.of(1L, 0L));
        assertThatThrownBy(() -> b.tryAcquire("k", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.tryAcquire("k", 6)).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).isEmpty();
        assertThat(b.tryAcquire("k", 5).allowed()).isTrue();
    }

    @Test
    void settingsAreCheckedAndDerived() {
        Settings s = Settings.quota("q", 4, 10);
        assertThat(s.onError()).isEqualTo(OnError.ALLOW);
        assertThat(s.intervalMicros()).isEqualTo(250_000);
        assertThat(s.refillTime()).isEqualTo(Duration.ofMillis(2500));
        assertThat(Settings.quota("fast", 5_000_000, 1).intervalMicros()).as("at least a microsecond").isEqualTo(1);
        assertThatThrownBy(() -> Settings.quota("q", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.quota("q", Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.quota("q", Double.POSITIVE_INFINITY, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.quota("q", 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.quota(" ", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings("q", 1, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Settings.quota("q", 0.0000001, 1000))
                .as("arrival times must stay exact in Lua's doubles").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutARegistryNothingIsRecordedAndNothingBreaks() {
        RedisTokenBucket b = new RedisTokenBucket((key, args) -> List.of(1L, 0L), "p:", Settings.quota("q", 1, 1),
                null);
        assertThat(b.tryAcquire("k").allowed()).isTrue();
    }
}
