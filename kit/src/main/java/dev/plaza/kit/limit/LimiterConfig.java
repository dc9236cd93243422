package dev.plaza.kit.limit;

import java.time.Duration;

/**
 * Settings of a {@link BbrLimiter}, shaped for the config binder.
 *
 * @param enabled      false: no limiter on this edge or server
 * @param window       the span the limiter remembers
 * @param buckets      how many buckets the window is cut in
 * @param cpuThreshold per mille of the CPU quota at which shedding starts
 * @param coolOff      how long shedding goes on after the last drop at a hot CPU
 */
public record LimiterConfig(boolean enabled, Duration window, int buckets, int cpuThreshold, Duration coolOff) {
    public LimiterConfig {
        if (buckets < 2) {
            throw new IllegalArgumentException("limiter buckets must be at least 2, got " + buckets);
        }
        if (cpuThreshold < 0 || cpuThreshold > 1000) {
            throw new IllegalArgumentException("limiter cpuThreshold is per mille, 0..1000, got " + cpuThreshold);
        }
        if (window.isNegative() || window.toNanos() / buckets <= 0) {
            throw new IllegalArgumentException("limiter window " + window + " is too short for " + buckets + " buckets");
        }
        if (coolOff.isNegative()) {
            throw new IllegalArgumentException("limiter coolOff must not be negative, got " + coolOff);
        }
    }

    /** Kratos' defaults: on, 10 s in 100 buckets, 800 per mille, 1 s cool-off. */
    public static LimiterConfig defaults() {
        return new LimiterConfig(true, BbrLimiter.DEFAULT_WINDOW, BbrLimiter.DEFAULT_BUCKETS,
                BbrLimiter.DEFAULT_CPU_THRESHOLD, BbrLimiter.DEFAULT_COOL_OFF);
    }
}
