package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
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
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bulkhead per dependency service: at most {@code maxConcurrent} calls of one client to one gRPC service are in
 * flight; one more is refused at once with -503 {@code BULKHEAD_FULL} (UNAVAILABLE, marked "don't retry") instead of
 * queueing. So a dependency that turns slow can hold at most that many of the caller's threads, and the caller's calls
 * to its other dependencies go on.
 *
 * <p>Meters: {@code plaza.bulkhead.rejected} and the gauge {@code plaza.bulkhead.in.flight}, tagged target and
 * service.
 */
final class BulkheadClientInterceptor implements ClientInterceptor {
    private final String target;
    private final int maxConcurrent;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Compartment> compartments = new ConcurrentHashMap<>();

    BulkheadClientInterceptor(String target, int maxConcurrent, MeterRegistry registry) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("a bulkhead needs at least 1 call, got " + maxConcurrent);
        }
        this.target = target;
        this.maxConcurrent = maxConcurrent;
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        String service = method.getServiceName() == null ? "" : method.getServiceName();
        Compartment c = compartments.computeIfAbsent(service, this::newCompartment);
        if (!c.permits.tryAcquire()) {
            c.rejected.increment();
            return new RefusedClientCall<>(c.status, c.trailers, callOptions.getExecutor());
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                c.permits.release();
            }
        };
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<RespT> listener, Metadata headers) {
                try {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            release.run();
                            super.onClose(status, trailers);
                        }
                    }, headers);
                } catch (RuntimeException e) {
                    release.run();
                    throw e;
                }
            }
        };
    }

    private Compartment newCompartment(String service) {
        Semaphore permits = new Semaphore(maxConcurrent);
        Counter rejected = Counter.builder(MetricNames.BULKHEAD_REJECTED)
                .tag(MetricNames.TARGET, target).tag(MetricNames.SERVICE, service).register(registry);
        Gauge.builder(MetricNames.BULKHEAD_IN_FLIGHT, permits, p -> maxConcurrent - p.availablePermits())
                .tag(MetricNames.TARGET, target).tag(MetricNames.SERVICE, service).register(registry);
        StatusRuntimeException answer = GrpcErrors.toStatus(PlazaError.overloaded("BULKHEAD_FULL",
                maxConcurrent + " calls to " + service + " on " + target + " are in flight already"));
        Metadata trailers = answer.getTrailers() == null ? new Metadata() : answer.getTrailers();
        NoRetryMarker.mark(trailers); // the dependency is busy: retrying above only adds to the queue
        return new Compartment(permits, rejected, answer.getStatus(), trailers);
    }

    private record Compartment(Semaphore permits, Counter rejected, Status status, Metadata trailers) {
    }
}
