package dev.plaza.kit.limit;

/**
 * Where a limiter reads CPU load: per mille (0..1000) of the CPU this process may use. {@link CpuUsage} measures the
 * real thing; tests and benchmarks pass a fixed value or a lambda over something they control.
 */
@FunctionalInterface
public interface CpuSource {
    /** Current load, 0..1000; must be cheap: a limiter may ask on every request. */
    int cpu();

    /** Always the same load, e.g. {@code fixed(0)} for a limiter that never sees the CPU hot. */
    static CpuSource fixed(int perMille) {
        if (perMille < 0 || perMille > 1000) {
            throw new IllegalArgumentException("cpu is per mille, 0..1000, got " + perMille);
        }
        return () -> perMille;
    }
}
