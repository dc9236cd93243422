package dev.plaza.kit.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private int takes(TokenBucket b, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += b.tryTake() ? 1 : 0;
        }
        return n;
    }

    @Test
    void aFullBucketGivesItsBurstThenOneTokenPerRefillInterval() {
        TokenBucket b = new TokenBucket(10, 5, now::get); // a token per 100 ms, 5 at most
        assertThat(takes(b, 20)).isEqualTo(5);
        now.addAndGet(Duration.ofMillis(99).toNanos());
        assertThat(b.tryTake()).isFalse();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(takes(b, 20)).as("an idle second refills to the burst, not beyond").isEqualTo(5);
    }

    @Test
    void overTimeTheRateHolds() {
        TokenBucket b = new TokenBucket(100, 10, now::get);
        int taken = 0;
        for (int ms = 0; ms < 10_000; ms++) { // 10 s of a take attempt every ms
            taken += b.tryTake() ? 1 : 0;
            now.addAndGet(1_000_000L);
        }
        assertThat(taken).isBetween(1000, 1010);
    }

    @Test
    void keyedBucketsAreIndependent() {
        KeyedRateLimiter l = new KeyedRateLimiter("ip", 1, 2, Duration.ofMinutes(1), 100, now::get, null);
        assertThat(l.tryTake("a")).isTrue();
        assertThat(l.tryTake("a")).isTrue();
        assertThat(l.tryTake("a")).isFalse();
        assertThat(l.tryTake("b")).as("another key has its own bucket").isTrue();
    }

    @Test
    void nonsenseIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
