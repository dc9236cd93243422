package dev.plaza.kit.rpc;

import dev.plaza.kit.breaker.SreBreaker;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.errors.ServerFailures;
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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link SreBreaker} per method of one client (one peer): a method the dependency keeps failing is throttled
 * locally, with a -503 {@code BREAKER_OPEN} (gRPC UNAVAILABLE, marked "don't retry") that costs the dependency
 * nothing, while its other methods go on.
 *
 * <p>Only failures that say the dependency is in trouble count against it: UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL,
 * UNKNOWN, DATA_LOSS and RESOURCE_EXHAUSTED, except Plaza's per-user limits (-509 too frequent, -412 intercepted),
 * which say one user is too fast, and must not get everyone's calls throttled. Any other answer, errors such as
 * INVALID_ARGUMENT or NOT_FOUND included, is the dependency working. A call the caller cancelled says nothing either
 * way and is not counted.
 *
 * <p>Meters: {@code plaza.breaker.rejected} and {@code plaza.breaker.drop.probability}, tagged target and method.
 */
final class BreakerClientInterceptor implements ClientInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(BreakerClientInterceptor.class);
    /** Methods are a finite set of names; a cap guards against a generic client making up names. */
    static final int MAX_METHODS = 1024;

    private final String target;
    private final Supplier<SreBreaker> newBreaker;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Guard> guards = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedFull = new AtomicBoolean();

    /** {@code newBreaker} makes each method's breaker, e.g. {@code () -> new SreBreaker(config)}. */
    BreakerClientInterceptor(String target, Supplier<SreBreaker> newBreaker, MeterRegistry registry) {
        this.target = target;
        this.newBreaker = newBreaker;
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        Guard guard = guardFor(method.getFullMethodName());
        if (guard == null) {
            return next.newCall(method, callOptions);
        }
        if (!guard.breaker.allow()) {
            guard.rejected.increment();
            return new RefusedClientCall<>(guard.status, guard.trailers, callOptions.getExecutor());
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<RespT> responseListener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        record(guard.breaker, status, trailers);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }

    /** What the dependency's answer says about its health. */
    static void record(SreBreaker breaker, Status status, Metadata trailers) {
        if (status.getCode() == Status.Code.CANCELLED) {
            return; // the caller gave up (or its own caller did): nothing learned about the dependency
        }
        if (ServerFailures.isServerFailure(status.getCode()) && !isPerUserLimit(status, trailers)) {
            breaker.markFailure();
        } else {
            breaker.markSuccess();
        }
    }

    private static boolean isPerUserLimit(Status status, Metadata trailers) {
        int code = GrpcErrors.sentCode(status, trailers).orElse(0);
        return code == ErrorCode.TOO_FREQUENT.code() || code == ErrorCode.INTERCEPTED.code();
    }

    private Guard guardFor(String fullMethod) {
        Guard guard = guards.get(fullMethod);
        if (guard != null) {
            return guard;
        }
        if (guards.size() >= MAX_METHODS) {
            if (!warnedFull.getAndSet(true)) {
                LOG.warn("breaker for {}: over {} methods, {} and later ones go unguarded", target, MAX_METHODS,
                        fullMethod);
            }
            return null;
        }
        return guards.computeIfAbsent(fullMethod, this::newGuard);
    }

    private Guard newGuard(String fullMethod) {
        SreBreaker breaker = newBreaker.get();
        Counter rejected = Counter.builder(MetricNames.BREAKER_REJECTED)
                .tag(MetricNames.TARGET, target)
                .tag(MetricNames.METHOD, fullMethod)
                .register(registry);
        Gauge.builder(MetricNames.BREAKER_DROP_PROBABILITY, breaker, b -> b.state().dropProbability())
                .tag(MetricNames.TARGET, target)
                .tag(MetricNames.METHOD, fullMethod)
                .register(registry);
        StatusRuntimeException answer = GrpcErrors.toStatus(PlazaError.overloaded("BREAKER_OPEN",
                "circuit breaker is throttling " + fullMethod + " on " + target));
        Metadata trailers = answer.getTrailers() == null ? new Metadata() : answer.getTrailers();
        NoRetryMarker.mark(trailers); // the layers above must not retry what we refuse to send
        return new Guard(breaker, rejected, answer.getStatus(), trailers);
    }

    private record Guard(SreBreaker breaker, Counter rejected, Status status, Metadata trailers) {
    }
}
