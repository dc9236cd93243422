package dev.plaza.kit.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class LimiterMetricsTest {
    @Test
    void prometheusSeesTheLimiterUnderPlazaLimiterNames() {
        BbrLimiter limiter = BbrLimiter.builder("comment-service", () -> 900).build();
        PrometheusMeterRegistry registry = Metrics.create("test");
        try {
            LimiterMetrics.bind(limiter, registry);
            Allowance a = limiter.allow();
            limiter.allow();
            try {
                limiter.allow(); // 2 in flight > 1 at cpu 900
            } catch (RuntimeException expected) {
                // counted below
            }
            a.done();

            String scrape = Metrics.scrape(registry);
            assertThat(scrape)
                    .contains("plaza_limiter_inflight{application=\"test\",limiter=\"comment-service\"} 1.0")
                    .contains("plaza_limiter_max_inflight{application=\"test\",limiter=\"comment-service\"} 1.0")
                    .contains("plaza_limiter_cpu{application=\"test\",limiter=\"comment-service\"} 900.0")
                    .contains("plaza_limiter_passed_total{application=\"test\",limiter=\"comment-service\"} 2.0")
                    .contains("plaza_limiter_dropped_total{application=\"test\",limiter=\"comment-service\"} 1.0");
        } finally {
            registry.close();
        }
    }
}
