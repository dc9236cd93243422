package dev.plaza.kit.trace;

import dev.plaza.kit.log.MdcKeys;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * Makes a span current for the code that follows and mirrors its ids into the SLF4J MDC, so every log line written
 * inside carries {@code trace_id} / {@code span_id}. Scopes nest: closing restores what the MDC held before.
 */
public final class TraceContext {
    private TraceContext() {
    }

    /** Use in try-with-resources on the thread that runs the work; close on the same thread. */
    public static Scope activate(Span span) {
        Scope otelScope = span.makeCurrent();
        String previousTrace = MDC.get(MdcKeys.TRACE_ID);
        String previousSpan = MDC.get(MdcKeys.SPAN_ID);
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) {
            MDC.put(MdcKeys.TRACE_ID, sc.getTraceId());
            MDC.put(MdcKeys.SPAN_ID, sc.getSpanId());
        } else {
            MDC.remove(MdcKeys.TRACE_ID);
            MDC.remove(MdcKeys.SPAN_ID);
        }
        return () -> {
            restore(MdcKeys.TRACE_ID, previousTrace);
            restore(MdcKeys.SPAN_ID, previousSpan);
            otelScope.close();
        };
    }

    /** The current trace id (32 hex digits), or "" when no valid span is current. */
    public static String currentTraceId() {
        SpanContext sc = Span.current().getSpanContext();
        return sc.isValid() ? sc.getTraceId() : "";
    }

    /** The current span id (16 hex digits), or "" when no valid span is current. */
    public static String currentSpanId() {
        SpanContext sc = Span.current().getSpanContext();
        return sc.isValid() ? sc.getSpanId() : "";
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
