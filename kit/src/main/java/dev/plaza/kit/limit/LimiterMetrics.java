package dev.plaza.kit.limit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a {@link BbrLimiter}, all tagged {@link #LIMITER} = its name. They read the limiter's own counters
 * at scrape time, so the request path never touches Micrometer. Prometheus names: {@code plaza_limiter_inflight},
 * {@code plaza_limiter_max_inflight}, {@code plaza_limiter_cpu}, {@code plaza_limiter_passed_total},
 * {@code plaza_limiter_dropped_total}.
 */
public final class LimiterMetrics {
    /** Gauge: requests admitted and not yet done. */
    public static final String INFLIGHT = "plaza.limiter.inflight";
    /** Gauge: the in-flight limit the window currently allows (enforced only while the CPU is hot or cooling off). */
    public static final String MAX_INFLIGHT = "plaza.limiter.max.inflight";
    /** Gauge: the CPU load the limiter sees, per mille of the process's quota. */
    public static final String CPU = "plaza.limiter.cpu";
    /** Counter: requests admitted. */
    public static final String PASSED = "plaza.limiter.passed";
    /** Counter: requests shed. */
    public static final String DROPPED = "plaza.limiter.dropped";

    public static final String LIMITER = "limiter";

    private LimiterMetrics() {
    }

    /** Registers the limiter's meters; the registry keeps the limiter reachable. */
    public static void bind(BbrLimiter limiter, MeterRegistry registry) {
        String name = limiter.name();
        Gauge.builder(INFLIGHT, limiter, BbrLimiter::inFlight).tag(LIMITER, name).strongReference(true)
                .description("requests admitted by the limiter and not yet done").register(registry);
        Gauge.builder(MAX_INFLIGHT, limiter, BbrLimiter::maxInFlight).tag(LIMITER, name).strongReference(true)
                .description("in-flight limit learnt from the window, enforced while the cpu is hot")
                .register(registry);
        Gauge.builder(CPU, limiter, BbrLimiter::cpu).tag(LIMITER, name).strongReference(true)
                .description("cpu load seen by the limiter, per mille of the cpu quota").register(registry);
        FunctionCounter.builder(PASSED, limiter, BbrLimiter::passed).tag(LIMITER, name)
                .description("requests admitted by the limiter").register(registry);
        FunctionCounter.builder(DROPPED, limiter, BbrLimiter::dropped).tag(LIMITER, name)
                .description("requests shed by the limiter").register(registry);
    }
}
