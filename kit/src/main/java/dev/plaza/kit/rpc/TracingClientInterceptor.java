package dev.plaza.kit.rpc;

import dev.plaza.kit.trace.Propagation;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/** A CLIENT span per call, child of whatever span is current, and its {@code traceparent} in the request headers. */
final class TracingClientInterceptor implements ClientInterceptor {
    private final OpenTelemetry otel;
    private final Tracer tracer;

    TracingClientInterceptor(OpenTelemetry otel) {
        this.otel = otel;
        this.tracer = otel.getTracer("dev.plaza.kit.rpc");
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        Context parent = Context.current();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<RespT> responseListener, Metadata headers) {
                Span span = tracer.spanBuilder(method.getFullMethodName())
                        .setParent(parent)
                        .setSpanKind(SpanKind.CLIENT)
                        .setAttribute(RpcAttributes.RPC_SYSTEM, "grpc")
                        .setAttribute(RpcAttributes.RPC_SERVICE, nullToEmpty(method.getServiceName()))
                        .setAttribute(RpcAttributes.RPC_METHOD, nullToEmpty(method.getBareMethodName()))
                        .startSpan();
                Propagation.inject(otel, parent.with(span),
                        (k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
                Listener<RespT> ending = new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                        responseListener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        span.setAttribute(RpcAttributes.RPC_GRPC_STATUS_CODE, status.getCode().value());
                        if (!status.isOk()) {
                            span.setStatus(StatusCode.ERROR, status.getCode().name());
                        }
                        span.end();
                        super.onClose(status, trailers);
                    }
                };
                try {
                    super.start(ending, headers);
                } catch (RuntimeException | Error e) {
                    span.setStatus(StatusCode.ERROR, e.toString());
                    span.end();
                    throw e;
                }
            }
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
