package dev.plaza.kit.balance;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts the calls a channel's balancer sent to each backend: {@value #PICKS}, tags {@value #TARGET} (the channel's
 * target) and {@value #ADDRESS} ({@code host:port}); Prometheus shows {@code plaza_balancer_picks_total}.
 *
 * <p>The balancer is created by grpc from a process-wide registry and cannot be handed a meter registry per
 * channel, so this rides on each call instead: {@link #interceptor()} puts it into the call options, and the stream
 * tracer of the chosen backend counts the call. A channel without the interceptor records nothing.
 */
public final class PickMetrics {
    /** Counter; Micrometer dot name like those of {@link dev.plaza.kit.metrics.MetricNames}. */
    public static final String PICKS = "plaza.balancer.picks";
    public static final String TARGET = "target";
    public static final String ADDRESS = "address";

    static final CallOptions.Key<PickMetrics> CALL_OPTION = CallOptions.Key.create("plaza.balancer.pickMetrics");

    private final MeterRegistry registry;
    private final String target;
    // one counter per backend address: addresses are few and the registry lookup is not free
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ClientInterceptor interceptor = new Interceptor();

    public PickMetrics(MeterRegistry registry, String target) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Add to the channel whose picks to count. */
    public ClientInterceptor interceptor() {
        return interceptor;
    }

    void recordPick(String address) {
        counters.computeIfAbsent(address, a -> Counter.builder(PICKS)
                .description("Calls the P2C-EWMA balancer sent to each backend")
                .tag(TARGET, target)
                .tag(ADDRESS, a)
                .register(registry)).increment();
    }

    private final class Interceptor implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.withOption(CALL_OPTION, PickMetrics.this));
        }
    }
}
