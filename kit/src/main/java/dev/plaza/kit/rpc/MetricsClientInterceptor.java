package dev.plaza.kit.rpc;

import dev.plaza.kit.metrics.MetricNames;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Times every call into {@code grpc.client.requests{method, code}}, code being the gRPC status name received. */
final class MetricsClientInterceptor implements ClientInterceptor {
    private final MeterRegistry registry;

    MetricsClientInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        String name = method.getFullMethodName();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<RespT> responseListener, Metadata headers) {
                long start = System.nanoTime();
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        Timer.builder(MetricNames.GRPC_CLIENT_REQUESTS)
                                .tag(MetricNames.METHOD, name)
                                .tag(MetricNames.CODE, status.getCode().name())
                                .register(registry)
                                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}
