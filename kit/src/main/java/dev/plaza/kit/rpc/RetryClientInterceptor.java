package dev.plaza.kit.rpc;

import dev.plaza.kit.breaker.RetryBudget;
import dev.plaza.kit.breaker.RetryConfig;
import dev.plaza.kit.metrics.MetricNames;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * Retries the calls of one client that are safe and worth retrying, within a per-client {@link RetryBudget}, and
 * relays the "don't retry" marker ({@link NoRetryMarker}) of every call made on behalf of a server call.
 *
 * <p>A call is retried only if all hold: it is unary; it is declared so in its proto ({@code option
 * idempotency_level = NO_SIDE_EFFECTS} or {@code IDEMPOTENT}: grpc marks its descriptor safe or idempotent) or its
 * full method name is configured idempotent; the attempt
 * failed UNAVAILABLE before any response arrived; the answer does not say "overloaded; don't retry"; fewer than
 * {@link RetryConfig#maxAttempts} attempts were made; the backoff ends before the call's deadline; and the budget
 * has room. Everything else, RESOURCE_EXHAUSTED and timeouts included, is reported as it came.
 *
 * <p>Why our own interceptor and not grpc-java's built-in retries (service-config {@code retryPolicy} with
 * {@code retryThrottling}): the built-in ones run below every interceptor, so the circuit breaker would see one
 * outcome per call and never the attempts it should count; {@code retryThrottling} is a token bucket per channel
 * (failures drain it, successes refill it), not "at most 10% of requests over the last 10 s" with a floor; and the
 * server would have to signal "don't retry" through {@code grpc-retry-pushback-ms} rather than a marker it can also
 * pass up the chain. What we give up is hedging and streaming retries, which we do not want. grpc's transparent
 * retries (a request that never left the client) stay on, underneath; they add no load.
 *
 * <p>Sits inside the metrics and tracing interceptors (one span and one timing per call, retries included) and
 * outside the breaker (each attempt asks the breaker and counts in it).
 */
final class RetryClientInterceptor implements ClientInterceptor {
    private final String target;
    private final Predicate<String> idempotent;
    private final RetryConfig config;
    private final RetryBudget budget;
    private final DoubleSupplier random;
    private final MeterRegistry registry;

    /**
     * @param idempotent full method names ({@code package.Service/Method}) that may be sent twice
     * @param random     jitter source, uniform in [0, 1)
     */
    RetryClientInterceptor(String target, Predicate<String> idempotent, RetryConfig config, RetryBudget budget,
                           DoubleSupplier random, MeterRegistry registry) {
        this.target = target;
        this.idempotent = idempotent;
        this.config = config;
        this.budget = budget;
        this.random = random;
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        budget.onRequest(); // every call, retried or not: the budget is a share of all traffic to this peer
        Context context = Context.current(); // the caller's: its deadline, cancellation and the server call it serves
        if (config.maxAttempts() > 1 && method.getType() == MethodDescriptor.MethodType.UNARY
                && (method.isSafe() || method.isIdempotent() || idempotent.test(method.getFullMethodName()))) {
            return new RetryingClientCall<>(this, method, callOptions, next, context);
        }
        ServerCallState serving = ServerCallState.KEY.get(context);
        ClientCall<ReqT, RespT> call = next.newCall(method, callOptions);
        return serving == null ? call : new RelayingCall<>(call, serving);
    }

    int maxAttempts() {
        return config.maxAttempts();
    }

    /** The wait before retry number {@code retry} (1 for the first), jittered. */
    Duration backoff(int retry) {
        return config.backoff(retry, random.getAsDouble());
    }

    /** Takes a retry from the budget if it has one; either way the meters say what happened. */
    boolean spendRetry(String fullMethod) {
        boolean granted = budget.tryRetry();
        Counter.builder(MetricNames.RETRIES)
                .tag(MetricNames.TARGET, target)
                .tag(MetricNames.METHOD, fullMethod)
                .tag(MetricNames.OUTCOME, granted ? "retried" : "budget_exhausted")
                .register(registry)
                .increment();
        return granted;
    }

    /** If a downstream answer says "don't retry", the server call this one serves fails the same way. */
    static void relay(Context context, Status status, Metadata trailers) {
        ServerCallState serving = ServerCallState.KEY.get(context);
        if (serving != null && NoRetryMarker.says(status, trailers)) {
            serving.markNoRetry();
        }
    }

    private static final class RelayingCall<ReqT, RespT>
            extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {
        private final ServerCallState serving;

        RelayingCall(ClientCall<ReqT, RespT> delegate, ServerCallState serving) {
            super(delegate);
            this.serving = serving;
        }

        @Override
        public void start(Listener<RespT> responseListener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                    if (NoRetryMarker.says(status, trailers)) {
                        serving.markNoRetry();
                    }
                    super.onClose(status, trailers);
                }
            }, headers);
        }
    }
}
