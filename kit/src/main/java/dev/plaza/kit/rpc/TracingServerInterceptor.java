package dev.plaza.kit.rpc;

import dev.plaza.kit.trace.Propagation;
import dev.plaza.kit.trace.TraceContext;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A SERVER span per call, named by the full method and parented on the caller's {@code traceparent}; it is current
 * (with trace_id / span_id in the MDC) whenever the handler runs, so the handler's logs carry the trace and its
 * outgoing calls become children.
 */
final class TracingServerInterceptor implements ServerInterceptor {
    /** The codes that mean the server failed; the others are the caller's problem and leave the span's status unset. */
    private static final Set<Status.Code> SERVER_FAULTS = EnumSet.of(Status.Code.UNKNOWN, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNIMPLEMENTED, Status.Code.INTERNAL, Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);

    private final OpenTelemetry otel;
    private final Tracer tracer;

    TracingServerInterceptor(OpenTelemetry otel) {
        this.otel = otel;
        this.tracer = otel.getTracer("dev.plaza.kit.rpc");
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
        Context remote = Propagation.extract(otel,
                key -> headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)));
        Span span = tracer.spanBuilder(method.getFullMethodName())
                .setParent(remote)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(RpcAttributes.RPC_SYSTEM, "grpc")
                .setAttribute(RpcAttributes.RPC_SERVICE, nullToEmpty(method.getServiceName()))
                .setAttribute(RpcAttributes.RPC_METHOD, nullToEmpty(method.getBareMethodName()))
                .startSpan();
        Context traced = remote.with(span); // keeps the caller's baggage next to our span
        ServerCallState.current().onEnd(status -> {
            span.setAttribute(RpcAttributes.RPC_GRPC_STATUS_CODE, status.getCode().value());
            if (SERVER_FAULTS.contains(status.getCode())) {
                span.setStatus(StatusCode.ERROR, status.getCode().name());
            }
            span.end();
        });
        ServerCall.Listener<ReqT> delegate = inScope(traced, span, () -> next.startCall(call, headers));
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(ReqT message) {
                inScope(traced, span, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                inScope(traced, span, super::onHalfClose);
            }

            @Override
            public void onReady() {
                inScope(traced, span, super::onReady);
            }

            @Override
            public void onCancel() {
                inScope(traced, span, super::onCancel);
            }

            @Override
            public void onComplete() {
                inScope(traced, span, super::onComplete);
            }
        };
    }

    private static void inScope(Context traced, Span span, Runnable work) {
        inScope(traced, span, () -> {
            work.run();
            return null;
        });
    }

    private static <T> T inScope(Context traced, Span span, Supplier<T> work) {
        try (Scope ignored = traced.makeCurrent(); Scope mdc = TraceContext.activate(span)) {
            return work.get();
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
