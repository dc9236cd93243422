package dev.plaza.kit.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Set;

/** Builds the process's meter registry and renders it for {@code GET /metrics}. */
public final class Metrics {
    private static final Set<String> RED_TIMERS = Set.of(MetricNames.HTTP_SERVER_REQUESTS,
            MetricNames.GRPC_SERVER_REQUESTS, MetricNames.GRPC_CLIENT_REQUESTS);

    private Metrics() {
    }

    /**
     * A Prometheus registry with common tag {@code application=<application>}, JVM and process binders, and
     * latency histograms (1 ms .. 10 s) on the RED timers of {@link MetricNames} so p99 can be computed across
     * instances. Close it when the process stops (that also unhooks the GC listener).
     */
    public static PrometheusMeterRegistry create(String application) {
        JvmGcMetrics gc = new JvmGcMetrics();
        PrometheusMeterRegistry registry = new ClosingRegistry(gc);
        registry.config().commonTags(MetricNames.APPLICATION, application).meterFilter(redHistograms());
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    /** The Prometheus text exposition format (version 0.0.4) of everything in the registry. */
    public static String scrape(PrometheusMeterRegistry registry) {
        return registry.scrape();
    }

    private static MeterFilter redHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() != Meter.Type.TIMER || !RED_TIMERS.contains(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                        .maximumExpectedValue((double) Duration.ofSeconds(10).toNanos())
                        .build()
                        .merge(config);
            }
        };
    }

    /** Closes the GC binder with the registry: it holds JMX notification listeners that would otherwise leak. */
    private static final class ClosingRegistry extends PrometheusMeterRegistry {
        private final JvmGcMetrics gc;

        ClosingRegistry(JvmGcMetrics gc) {
            super(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
            this.gc = gc;
        }

        @Override
        public void close() {
            gc.close();
            super.close();
        }
    }
}
