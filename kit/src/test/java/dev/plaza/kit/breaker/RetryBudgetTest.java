package dev.plaza.kit.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final AtomicLong nanos = new AtomicLong();
    private final RetryBudget budget = new RetryBudget(RetryConfig.DEFAULT, nanos::get);

    private int retriesGranted(int tries) {
        int granted = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.tryRetry()) {
                granted++;
            }
        }
        return granted;
    }

    private void requests(int n) {
        for (int i = 0; i < n; i++) {
            budget.onRequest();
        }
    }

    @Test
    void aQuietClientStillGetsTheFloor() {
        requests(3);

        assertThat(retriesGranted(50)).isEqualTo(10);
    }

    @Test
    void retriesAreCappedAtTenPercentOfRequestsPlusTheFloor() {
        requests(1_000);

        assertThat(retriesGranted(1_000)).isEqualTo(10 + 100);
        requests(10); // more traffic, one more retry
        assertThat(retriesGranted(10)).isEqualTo(1);
    }

    @Test
    void theBudgetRefillsAsTheWindowSlides() {
        requests(100);
        assertThat(retriesGranted(100)).isEqualTo(20);

        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(retriesGranted(100)).isEqualTo(10); // old requests and retries both gone: the floor again
    }

    @Test
    void aZeroBudgetNeverRetries() {
        RetryBudget none = new RetryBudget(RetryConfig.DEFAULT.withBudget(0, 0, Duration.ofSeconds(10)), nanos::get);
        none.onRequest();

        assertThat(none.tryRetry()).isFalse();
    }

    @Test
    void backoffDoublesWithJitterAndStopsAtTheCap() {
        RetryConfig config = RetryConfig.DEFAULT; // 10 ms initial, 50 ms max

        assertThat(config.backoff(1, 0)).isEqualTo(Duration.ofMillis(10));
        assertThat(config.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(15));
        assertThat(config.backoff(2, 0)).isEqualTo(Duration.ofMillis(20));
        assertThat(config.backoff(2, 0.99)).isEqualTo(Duration.ofMillis(20).plus(Duration.ofNanos(19_800_000)));
        assertThat(config.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(50)); // 60 ms, capped
        assertThat(config.backoff(60, 0.5)).isEqualTo(Duration.ofMillis(50)); // no overflow
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> RetryConfig.DEFAULT.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryConfig.DEFAULT.withMaxAttempts(6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryConfig.DEFAULT.withBackoff(Duration.ofMillis(50), Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryConfig.DEFAULT.withBudget(1.5, 10, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryConfig.DEFAULT.withBudget(0.1, -1, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
