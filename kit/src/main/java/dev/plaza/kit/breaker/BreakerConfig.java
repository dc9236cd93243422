package dev.plaza.kit.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of an {@link SreBreaker}.
 *
 * @param window      how far back the breaker looks; long enough to smooth bursts, short enough to notice recovery
 * @param buckets     slices of the window; the window slides one slice at a time ({@code window / buckets})
 * @param k           how many requests per accepted one the client may send before it starts throttling: 2 lets the
 *                    dependency see up to twice what it can serve, so it keeps sampling the dependency's health
 *                    (lower is more aggressive, the SRE book's default is 2)
 * @param minRequests below this many requests in the window nothing is rejected: a handful of failures is not a trend
 */
public record BreakerConfig(Duration window, int buckets, double k, int minRequests) {
    public static final BreakerConfig DEFAULT = new BreakerConfig(Duration.ofSeconds(10), 40, 2.0, 20);

    public BreakerConfig {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("breaker window must be positive, got " + window);
        }
        if (buckets < 1 || window.toNanos() / buckets < 1_000_000) {
            throw new IllegalArgumentException("breaker needs 1+ buckets of at least 1 ms, got " + buckets
                    + " over " + window);
        }
        // below 1 the breaker would drop calls to a dependency that answers every one of them
        if (!(k >= 1.0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("breaker k must be a finite number >= 1, got " + k);
        }
        if (minRequests < 0) {
            throw new IllegalArgumentException("breaker minRequests must not be negative, got " + minRequests);
        }
    }

    public static BreakerConfig defaults() {
        return DEFAULT;
    }

    public BreakerConfig withWindow(Duration newWindow, int newBuckets) {
        return new BreakerConfig(newWindow, newBuckets, k, minRequests);
    }

    public BreakerConfig withK(double newK) {
        return new BreakerConfig(window, buckets, newK, minRequests);
    }

    public BreakerConfig withMinRequests(int newMinRequests) {
        return new BreakerConfig(window, buckets, k, newMinRequests);
    }
}
