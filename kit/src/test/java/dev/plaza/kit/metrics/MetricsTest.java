package dev.plaza.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private PrometheusMeterRegistry registry;

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void recordedRedTimerIsScrapedWithPrometheusNameTagsAndHistogram() {
        registry = Metrics.create("comment-interface");
        Timer.builder(MetricNames.HTTP_SERVER_REQUESTS)
                .tags(MetricNames.METHOD, "GET", MetricNames.ROUTE, "/x/v2/reply", MetricNames.CODE, "0")
                .register(registry)
                .record(Duration.ofMillis(12));

        String text = Metrics.scrape(registry);

        String tags = "application=\"comment-interface\",code=\"0\",method=\"GET\",route=\"/x/v2/reply\"";
        assertThat(text).contains("http_server_requests_seconds_count{" + tags + "} 1");
        assertThat(text).contains("http_server_requests_seconds_sum{" + tags + "} 0.012");
        assertThat(text).contains("http_server_requests_seconds_bucket{" + tags + ",le=\"+Inf\"} 1");
    }

    @Test
    void otherTimersGetNoHistogram() {
        registry = Metrics.create("app");
        registry.timer("my.job.duration").record(Duration.ofMillis(5));
        String text = Metrics.scrape(registry);
        assertThat(text).contains("my_job_duration_seconds_count{application=\"app\"} 1");
        assertThat(text).doesNotContain("my_job_duration_seconds_bucket");
    }

    @Test
    void jvmAndProcessMetricsAreBound() {
        registry = Metrics.create("app");
        String text = Metrics.scrape(registry);
        assertThat(text).contains("jvm_memory_used_bytes{application=\"app\"", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "system_cpu_count", "process_uptime_seconds",
                "process_files_open_files", "jvm_gc_");
    }
}
