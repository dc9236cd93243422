package dev.plaza.kit.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client retries the calls it may retry (unary, idempotent, answered UNAVAILABLE without "don't retry").
 *
 * @param maxAttempts      attempts in all, the first included; 3 means at most two retries
 * @param initialBackoff   the first retry waits a random time in {@code [initialBackoff, 2 * initialBackoff)}; each
 *                         later one doubles the range; jitter keeps clients that failed together from retrying
 *                         together
 * @param maxBackoff       no retry waits longer than this
 * @param budgetRatio      retries a client may add on top of its requests over the budget window (0.1 = 10%)
 * @param budgetMinRetries retries per window allowed whatever the ratio says, so a quiet client can still retry
 * @param budgetWindow     the window the budget counts requests and retries over
 */
public record RetryConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double budgetRatio,
                          int budgetMinRetries, Duration budgetWindow) {
    public static final RetryConfig DEFAULT = new RetryConfig(3, Duration.ofMillis(10), Duration.ofMillis(50), 0.1,
            10, Duration.ofSeconds(10));

    public RetryConfig {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(budgetWindow, "budgetWindow");
        if (maxAttempts < 1 || maxAttempts > 5) {
            // more than a few attempts multiplies load on a dependency that is already failing
            throw new IllegalArgumentException("retry maxAttempts must be 1..5, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry backoff must satisfy 0 <= initial <= max, got " + initialBackoff
                    + " and " + maxBackoff);
        }
        if (!(budgetRatio >= 0 && budgetRatio <= 1)) {
            throw new IllegalArgumentException("retry budgetRatio must be 0..1, got " + budgetRatio);
        }
        if (budgetMinRetries < 0) {
            throw new IllegalArgumentException("retry budgetMinRetries must not be negative, got " + budgetMinRetries);
        }
        if (budgetWindow.toMillis() < 10) {
            throw new IllegalArgumentException("retry budgetWindow must be at least 10 ms, got " + budgetWindow);
        }
    }

    public static RetryConfig defaults() {
        return DEFAULT;
    }

    public RetryConfig withMaxAttempts(int attempts) {
        return new RetryConfig(attempts, initialBackoff, maxBackoff, budgetRatio, budgetMinRetries, budgetWindow);
    }

    public RetryConfig withBackoff(Duration initial, Duration max) {
        return new RetryConfig(maxAttempts, initial, max, budgetRatio, budgetMinRetries, budgetWindow);
    }

    public RetryConfig withBudget(double ratio, int minRetries, Duration window) {
        return new RetryConfig(maxAttempts, initialBackoff, maxBackoff, ratio, minRetries, window);
    }

    /**
     * How long to wait before retry number {@code retry} (1 for the first), given a uniform {@code random} in [0, 1):
     * {@code [d, 2d)} with {@code d = initialBackoff * 2^(retry-1)}, capped at {@link #maxBackoff}.
     */
    public Duration backoff(int retry, double random) {
        long base = initialBackoff.toNanos() << Math.min(retry - 1, 20);
        long nanos = base + (long) (base * random);
        return Duration.ofNanos(Math.min(nanos, maxBackoff.toNanos()));
    }
}
