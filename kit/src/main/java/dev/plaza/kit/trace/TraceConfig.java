package dev.plaza.kit.trace;

import java.util.Optional;

/**
 * @param sampleRatio  share of new traces recorded, 0.0..1.0; a caller's sampling decision (traceparent) wins
 * @param otlpEndpoint where spans go: {@code http://collector:4317} speaks OTLP/gRPC; an URL ending in
 *                     {@code /v1/traces} (usually port 4318) speaks OTLP/HTTP. Absent: spans are not exported, but
 *                     trace ids still propagate and appear in logs.
 */
public record TraceConfig(double sampleRatio, Optional<String> otlpEndpoint) {
    public TraceConfig {
        if (!(sampleRatio >= 0.0 && sampleRatio <= 1.0)) {
            throw new IllegalArgumentException("trace sampleRatio must be between 0.0 and 1.0, got " + sampleRatio);
        }
    }

    public static TraceConfig disabled() {
        return new TraceConfig(0.0, Optional.empty());
    }
}
