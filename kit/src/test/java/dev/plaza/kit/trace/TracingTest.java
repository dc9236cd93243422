package dev.plaza.kit.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.log.MdcKeys;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TracingTest {
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void ratioOneRecordsEverySpanAndRatioZeroNone() {
        // read the exporter before close(): shutting the exporter down clears it
        try (Tracing all = Tracing.withExporter(1.0, "svc", exporter)) {
            for (int i = 0; i < 10; i++) {
                all.tracer("t").spanBuilder("op").startSpan().end();
            }
            assertThat(exporter.getFinishedSpanItems()).hasSize(10);
            assertThat(exporter.getFinishedSpanItems().getFirst().getResource().getAttributes().asMap().values())
                    .contains("svc");
        }

        exporter.reset();
        try (Tracing none = Tracing.withExporter(0.0, "svc", exporter)) {
            for (int i = 0; i < 10; i++) {
                Span span = none.tracer("t").spanBuilder("op").startSpan();
                assertThat(span.getSpanContext().isValid()).isTrue(); // ids still exist for logs and propagation
                assertThat(span.getSpanContext().isSampled()).isFalse();
                span.end();
            }
            assertThat(exporter.getFinishedSpanItems()).isEmpty();
        }
    }

    @Test
    void parentPropagatesThroughInjectAndExtractAndItsSamplingDecisionWins() {
        Map<String, String> headers = new HashMap<>();
        try (Tracing caller = Tracing.withExporter(1.0, "caller", exporter);
             Tracing callee = Tracing.withExporter(0.0, "callee", exporter)) {
            Span out = caller.tracer("t").spanBuilder("call").setSpanKind(SpanKind.CLIENT).startSpan();
            Context ctx = Context.root().with(out).with(Baggage.builder().put("uid", "42").build());
            Propagation.inject(caller.openTelemetry(), ctx, headers::put);
            out.end();

            assertThat(headers).containsKey("traceparent").containsKey("baggage");
            Context remote = Propagation.extract(callee.openTelemetry(), headers::get);
            assertThat(Baggage.fromContext(remote).getEntryValue("uid")).isEqualTo("42");
            // ratio 0 on the callee, but the caller sampled: parent-based sampling records it
            callee.tracer("t").spanBuilder("handle").setParent(remote).setSpanKind(SpanKind.SERVER).startSpan().end();

            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).hasSize(2);
            SpanData client = spans.get(0);
            SpanData server = spans.get(1);
            assertThat(server.getName()).isEqualTo("handle");
            assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
            assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
        }
    }

    @Test
    void extractWithoutHeadersGivesRootNotCurrent() {
        try (Tracing tracing = Tracing.withExporter(1.0, "svc", exporter)) {
            Span current = tracing.tracer("t").spanBuilder("outer").startSpan();
            try (Scope ignored = current.makeCurrent()) {
                Context extracted = Propagation.extract(tracing.openTelemetry(), List.of("x"), k -> null);
                assertThat(Span.fromContext(extracted).getSpanContext().isValid()).isFalse();
            }
            current.end();
        }
    }

    @Test
    void noopStillPassesTraceContextThrough() {
        Tracing noop = Tracing.noop();
        Map<String, String> in = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Context ctx = Propagation.extract(noop.openTelemetry(), in::get);
        Map<String, String> out = new HashMap<>();
        Propagation.inject(noop.openTelemetry(), ctx, out::put);
        assertThat(out.get("traceparent")).isEqualTo(in.get("traceparent"));
        noop.close();
    }

    @Test
    void activatePutsIdsInMdcAndRestoresPreviousValues() {
        MDC.put(MdcKeys.TRACE_ID, "outer-trace");
        try (Tracing tracing = Tracing.withExporter(1.0, "svc", exporter)) {
            Span span = tracing.tracer("t").spanBuilder("op").startSpan();
            assertThat(TraceContext.currentTraceId()).isEmpty();
            try (Scope ignored = TraceContext.activate(span)) {
                assertThat(MDC.get(MdcKeys.TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
                assertThat(MDC.get(MdcKeys.SPAN_ID)).isEqualTo(span.getSpanContext().getSpanId());
                assertThat(TraceContext.currentTraceId()).isEqualTo(span.getSpanContext().getTraceId());
                assertThat(TraceContext.currentSpanId()).isEqualTo(span.getSpanContext().getSpanId());
                try (Scope inner = TraceContext.activate(Span.getInvalid())) {
                    assertThat(MDC.get(MdcKeys.TRACE_ID)).isNull();
                    assertThat(TraceContext.currentTraceId()).isEmpty();
                }
                assertThat(MDC.get(MdcKeys.TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
            } finally {
                span.end();
            }
            assertThat(MDC.get(MdcKeys.TRACE_ID)).isEqualTo("outer-trace");
            assertThat(MDC.get(MdcKeys.SPAN_ID)).isNull();
            assertThat(TraceContext.currentTraceId()).isEmpty();
        }
    }

    @Test
    void createWithEndpointBuildsAndClosesWithoutACollector() {
        try (Tracing grpc = Tracing.create(new TraceConfig(1.0, Optional.of("http://127.0.0.1:1")), "svc");
             Tracing http = Tracing.create(new TraceConfig(1.0, Optional.of("http://127.0.0.1:1/v1/traces")), "svc");
             Tracing off = Tracing.create(TraceConfig.disabled(), "svc")) {
            assertThat(grpc.tracer("t").spanBuilder("x").startSpan().getSpanContext().isSampled()).isTrue();
            assertThat(http.openTelemetry()).isNotSameAs(grpc.openTelemetry());
            assertThat(off.tracer("t").spanBuilder("x").startSpan().getSpanContext().isSampled()).isFalse();
        }
    }

    @Test
    void ratioOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> new TraceConfig(1.5, Optional.empty())).hasMessageContaining("1.5");
        assertThatThrownBy(() -> new TraceConfig(Double.NaN, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
