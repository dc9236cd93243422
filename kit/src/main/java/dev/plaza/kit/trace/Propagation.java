package dev.plaza.kit.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Carries trace context (traceparent, tracestate, baggage) across any string key/value carrier: HTTP headers, gRPC
 * Metadata, Kafka record headers. Callers adapt their carrier with a lambda, so this package depends on none of them.
 */
public final class Propagation {
    private Propagation() {
    }

    /** Writes the context's headers, e.g. {@code (k, v) -> metadata.put(Metadata.Key.of(k, ASCII), v)}. */
    public static void inject(OpenTelemetry otel, Context ctx, BiConsumer<String, String> setter) {
        otel.getPropagators().getTextMapPropagator().inject(ctx, setter, SETTER);
    }

    /**
     * Reads a remote parent from headers, e.g. {@code ctx::header}. Starts from the root context on purpose: a server
     * or consumer thread must not inherit whatever happened to be current. The result is ready for
     * {@code spanBuilder.setParent(...)}.
     */
    public static Context extract(OpenTelemetry otel, Function<String, String> getter) {
        return extract(otel, List.of(), getter);
    }

    /** As {@link #extract(OpenTelemetry, Function)}, for propagators that enumerate the carrier's keys. */
    public static Context extract(OpenTelemetry otel, Iterable<String> keys, Function<String, String> getter) {
        return otel.getPropagators().getTextMapPropagator().extract(Context.root(), getter, new TextMapGetter<>() {
            @Override
            public Iterable<String> keys(Function<String, String> carrier) {
                return keys;
            }

            @Override
            public String get(Function<String, String> carrier, String key) {
                return carrier == null ? null : carrier.apply(key);
            }
        });
    }

    private static final TextMapSetter<BiConsumer<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.accept(key, value);
        }
    };
}
