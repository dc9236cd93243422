package dev.plaza.kit.rpc;

import dev.plaza.kit.metrics.MetricNames;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Times every call into {@code grpc.server.requests{method, code}}; code is the gRPC status name the caller got. */
final class MetricsServerInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;

    MetricsServerInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCallState.current().onEnd(status -> Timer.builder(MetricNames.GRPC_SERVER_REQUESTS)
                .tag(MetricNames.METHOD, method)
                .tag(MetricNames.CODE, status.getCode().name())
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        return next.startCall(call, headers);
    }
}
