package dev.plaza.kit.rpc;

import dev.plaza.kit.balance.P2cConfig;
import dev.plaza.kit.balance.PlazaBalancing;
import dev.plaza.kit.breaker.BreakerConfig;
import dev.plaza.kit.breaker.RetryBudget;
import dev.plaza.kit.breaker.RetryConfig;
import dev.plaza.kit.breaker.SreBreaker;
import dev.plaza.kit.trace.Tracing;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Makes {@link RpcClient}s for one calling application: every channel gets the same client interceptors, outermost
 * first: caller identity ({@code x-plaza-caller}, {@code x-plaza-mid}), metadata ({@code x-md-global-*} from the
 * Context), deadline (the method's default when none is set or inherited), tracing (CLIENT span + traceparent),
 * metrics ({@code grpc.client.requests}), retries (idempotent unary methods only, within a retry budget), the
 * circuit breaker (SRE adaptive throttling, one per method) and a bulkhead (calls in flight per service). Tracing and metrics see one call however many attempts
 * it took; the breaker sees every attempt. Failures stay {@code StatusRuntimeException}; wrap calls in
 * {@link RpcCalls#call} to get {@link dev.plaza.kit.errors.PlazaError}s.
 *
 * <p>Each channel has its own breakers and retry budget: they are about the one peer it calls. The channels it made
 * own the connections and that state; close those.
 */
public final class RpcChannels {
    /** Calls in flight per dependency service and channel unless configured: generous, a guard against pile-ups. */
    public static final int DEFAULT_BULKHEAD = 1000;
    /** How long, and how many, last good answers a client keeps for {@link Fallback#STALE} answers. */
    static final Duration STALE_FOR = Duration.ofMinutes(10);
    static final int MAX_STALE = 10_000;
    private final String callerApp;
    private final List<ClientInterceptor> outer; // outermost first
    private final List<ClientInterceptor> shared; // after the fallbacks: they see the real outcome
    private final Map<String, Fallback> fallbacks;
    private final BreakerConfig breaker; // null: no breaker
    private final int bulkhead; // 0: none
    private final Predicate<String> idempotent;
    private final RetryConfig retry;
    private final MeterRegistry meterRegistry;
    private final Duration closeTimeout;

    private RpcChannels(Builder b) {
        this.callerApp = b.callerApp;
        this.closeTimeout = b.closeTimeout;
        this.breaker = b.breaker;
        this.bulkhead = b.bulkhead;
        this.idempotent = b.idempotent;
        this.retry = b.retry;
        this.meterRegistry = b.meterRegistry;
        this.outer = List.of(
                new CallerClientInterceptor(b.callerApp),
                new MetadataClientInterceptor(),
                new DeadlineClientInterceptor(b.timeouts));
        this.shared = List.of(
                new TracingClientInterceptor(b.openTelemetry),
                new MetricsClientInterceptor(b.meterRegistry));
        this.fallbacks = Map.copyOf(b.fallbacks);
    }

    public static Builder builder(String callerApp) {
        return new Builder(callerApp);
    }

    public String callerApp() {
        return callerApp;
    }

    /** Plaintext HTTP/2 over Netty to {@code host:port}; connects lazily, on the first call. */
    public RpcClient forAddress(String host, int port) {
        return build(Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create()),
                host + ":" + port);
    }

    /** A server of this JVM that listens in-process under {@code name} ({@link RpcServer.Builder#inProcess}). */
    public RpcClient inProcess(String name) {
        return build(InProcessChannelBuilder.forName(name), "in-process:" + name);
    }

    /**
     * Any gRPC target a registered name resolver understands ({@code discovery:///comment.service},
     * {@code static:///127.0.0.1:9001,127.0.0.1:9002}, {@code dns:///host:port}, ...), plaintext, balanced over its
     * addresses by P2C + EWMA ({@link PlazaBalancing}).
     */
    public RpcClient forTarget(String target) {
        return build(PlazaBalancing.channelBuilder(target, meterRegistry, P2cConfig.DEFAULT), target);
    }

    private RpcClient build(ManagedChannelBuilder<?> builder, String target) {
        // the channel builder runs the last-added interceptor first: hand it the chain innermost first
        builder.intercept(chainFor(target).reversed());
        builder.userAgent("plaza/" + callerApp);
        return new RpcClient(builder.build(), target, closeTimeout);
    }

    private List<ClientInterceptor> chainFor(String target) {
        List<ClientInterceptor> chain = new ArrayList<>(outer);
        if (!fallbacks.isEmpty()) {
            // outside tracing and metrics, so operators see the failure the caller is spared
            chain.add(new DegradeClientInterceptor(target, fallbacks, STALE_FOR, MAX_STALE, meterRegistry));
        }
        chain.addAll(shared);
        chain.add(new RetryClientInterceptor(target, idempotent, retry, new RetryBudget(retry),
                () -> ThreadLocalRandom.current().nextDouble(), meterRegistry));
        if (breaker != null) {
            chain.add(new BreakerClientInterceptor(target, () -> new SreBreaker(breaker), meterRegistry));
        }
        if (bulkhead > 0) {
            chain.add(new BulkheadClientInterceptor(target, bulkhead, meterRegistry));
        }
        return chain;
    }

    public static final class Builder {
        private final String callerApp;
        private MeterRegistry meterRegistry = new CompositeMeterRegistry(); // records nothing
        private OpenTelemetry openTelemetry = Tracing.noop().openTelemetry(); // passes trace ids through
        private RpcTimeouts timeouts = RpcTimeouts.defaults();
        private Duration closeTimeout = Duration.ofSeconds(5);
        private BreakerConfig breaker = BreakerConfig.DEFAULT;
        private int bulkhead = DEFAULT_BULKHEAD;
        private Map<String, Fallback> fallbacks = Map.of();
        private Predicate<String> idempotent = method -> false;
        private RetryConfig retry = RetryConfig.DEFAULT;

        private Builder(String callerApp) {
            if (callerApp == null || callerApp.isBlank() || !callerApp.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("caller app must be a non-blank ASCII name, got " + callerApp);
            }
            this.callerApp = callerApp;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        public Builder openTelemetry(OpenTelemetry otel) {
            this.openTelemetry = Objects.requireNonNull(otel, "openTelemetry");
            return this;
        }

        /** Timeout for calls to {@code fullMethodName} made with no deadline set or inherited. */
        public Builder methodTimeout(String fullMethodName, Duration timeout) {
            this.timeouts = timeouts.withMethod(fullMethodName, timeout);
            return this;
        }

        /** Timeout for other calls made with no deadline set or inherited; {@link RpcTimeouts#DEFAULT} unless set. */
        public Builder defaultTimeout(Duration timeout) {
            this.timeouts = timeouts.withDefault(timeout);
            return this;
        }

        public Builder timeouts(RpcTimeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** How long {@link RpcClient#close()} lets calls in flight finish; 5 s unless set. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must not be negative, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** The circuit breaker's knobs; every client has one with {@link BreakerConfig#DEFAULT} unless set. */
        public Builder breaker(BreakerConfig config) {
            this.breaker = Objects.requireNonNull(config, "breaker");
            return this;
        }

        /**
         * At most {@code maxConcurrent} calls in flight per dependency service on each channel (default
         * {@value RpcChannels#DEFAULT_BULKHEAD}); one more is refused at once with -503 {@code BULKHEAD_FULL}.
         */
        public Builder bulkhead(int maxConcurrent) {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("bulkhead must be at least 1, got " + maxConcurrent);
            }
            this.bulkhead = maxConcurrent;
            return this;
        }

        /**
         * Answers these methods ({@code package.Service/Method}, unary) with a fallback when the dependency is down,
         * overloaded or throttled, instead of failing; the request is then marked degraded ({@link Degradations}).
         */
        public Builder fallbacks(Map<String, Fallback> byMethod) {
            this.fallbacks = Map.copyOf(byMethod);
            return this;
        }

        /** No bulkhead. */
        public Builder noBulkhead() {
            this.bulkhead = 0;
            return this;
        }

        /** No circuit breaker: for tests, and for callers that throttle on their own. */
        public Builder noBreaker() {
            this.breaker = null;
            return this;
        }

        /**
         * Unary methods (full names, {@code package.Service/Method}) that may be sent twice with the same effect:
         * reads, and writes keyed by a client-chosen id. Only these are retried; none are unless set.
         */
        public Builder retry(Set<String> idempotentMethods) {
            Set<String> names = Set.copyOf(idempotentMethods);
            this.idempotent = names::contains;
            return this;
        }

        /** Like {@link #retry(Set)} with a rule, e.g. every method of a read-only service. */
        public Builder retry(Predicate<String> idempotentMethod) {
            this.idempotent = Objects.requireNonNull(idempotentMethod, "idempotentMethod");
            return this;
        }

        /** Attempts, backoff and budget of retries; {@link RetryConfig#DEFAULT} unless set. */
        public Builder retryConfig(RetryConfig config) {
            this.retry = Objects.requireNonNull(config, "retryConfig");
            return this;
        }

        public RpcChannels build() {
            return new RpcChannels(this);
        }
    }
}
