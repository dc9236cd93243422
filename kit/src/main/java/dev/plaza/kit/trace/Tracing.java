package dev.plaza.kit.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's OpenTelemetry: W3C traceparent + baggage propagation, a parent-based ratio sampler, and an OTLP
 * exporter when an endpoint is configured. Deliberately not registered as the global OpenTelemetry: components get
 * it passed in, and tests can build as many as they like.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final ContextPropagators PROPAGATORS = ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));

    private final OpenTelemetry openTelemetry;
    private final SdkTracerProvider tracerProvider; // null for noop

    private Tracing(OpenTelemetry openTelemetry, SdkTracerProvider tracerProvider) {
        this.openTelemetry = openTelemetry;
        this.tracerProvider = tracerProvider;
    }

    public static Tracing create(TraceConfig cfg, String serviceName) {
        SdkTracerProviderBuilder provider = provider(cfg.sampleRatio(), serviceName);
        cfg.otlpEndpoint().ifPresent(endpoint -> {
            provider.addSpanProcessor(BatchSpanProcessor.builder(otlpExporter(endpoint)).build());
            LOG.info("exporting {} spans to {} (sample ratio {})", serviceName, endpoint, cfg.sampleRatio());
        });
        return sdk(provider);
    }

    /**
     * Spans go synchronously to {@code exporter} (tests use an in-memory exporter; also handy for debugging with a
     * logging exporter).
     */
    public static Tracing withExporter(double sampleRatio, String serviceName, SpanExporter exporter) {
        return sdk(provider(sampleRatio, serviceName).addSpanProcessor(SimpleSpanProcessor.create(exporter)));
    }

    /** Records nothing but still propagates incoming trace context, so trace ids pass through this process. */
    public static Tracing noop() {
        return new Tracing(OpenTelemetry.propagating(PROPAGATORS), null);
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    public Tracer tracer(String scope) {
        return openTelemetry.getTracer(scope);
    }

    /** Flushes pending spans and shuts the exporter down; waits up to 5 s each. */
    @Override
    public void close() {
        if (tracerProvider == null) {
            return;
        }
        tracerProvider.forceFlush().join(5, TimeUnit.SECONDS);
        tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
    }

    private static SdkTracerProviderBuilder provider(double sampleRatio, String serviceName) {
        new TraceConfig(sampleRatio, java.util.Optional.empty()); // validates the ratio
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)));
    }

    private static Tracing sdk(SdkTracerProviderBuilder builder) {
        SdkTracerProvider provider = builder.build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(PROPAGATORS)
                .build(); // not buildAndRegisterGlobal: no process-wide state
        return new Tracing(sdk, provider);
    }

    private static SpanExporter otlpExporter(String endpoint) {
        if (endpoint.endsWith("/v1/traces")) {
            return OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
        }
        return OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build();
    }
}
