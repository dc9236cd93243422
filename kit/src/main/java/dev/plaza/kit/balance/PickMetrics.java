package dev.plaza.kit.balance;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A channel's balancer metrics, tag {@value #TARGET} (the channel's target):
 *
 * <ul>
 *   <li>{@value #PICKS}, also tagged {@value #ADDRESS} ({@code host:port}): calls sent to each backend
 *       ({@code plaza_balancer_picks_total});</li>
 *   <li>{@value #SUBSET_SIZE}: gauge, the backends the balancer connects to, its subset of
 *       {@value #RESOLVED} ({@code plaza_balancer_subset_size}, {@code plaza_balancer_resolved_backends}); the two
 *       are equal without subsetting.</li>
 * </ul>
 *
 * <p>The balancer is created by grpc from a process-wide registry and cannot be handed a meter registry per
 * channel, so this rides on each call instead: {@link #interceptor()} puts it into the call options, and the stream
 * tracer of the chosen backend counts the call and hands over its balancer's sizes. The gauges therefore appear with
 * the channel's first call. A channel without the interceptor records nothing.
 */
public final class PickMetrics {
    /** Counter; Micrometer dot name like those of {@link dev.plaza.kit.metrics.MetricNames}. */
    public static final String PICKS = "plaza.balancer.picks";
    /** Gauge: backends in use after subsetting. */
    public static final String SUBSET_SIZE = "plaza.balancer.subset.size";
    /** Gauge: backends the resolver returned. */
    public static final String RESOLVED = "plaza.balancer.resolved.backends";
    public static final String TARGET = "target";
    public static final String ADDRESS = "address";

    static final CallOptions.Key<PickMetrics> CALL_OPTION = CallOptions.Key.create("plaza.balancer.pickMetrics");

    private final MeterRegistry registry;
    private final String target;
    // one counter per backend address: addresses are few and the registry lookup is not free
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ClientInterceptor interceptor = new Interceptor();
    // the sizes of the channel's current balancer: grpc makes a new one when an idle channel wakes up
    private volatile SubsetSizes subsetSizes;
    private final AtomicBoolean gaugesRegistered = new AtomicBoolean();

    public PickMetrics(MeterRegistry registry, String target) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Add to the channel whose picks to count. */
    public ClientInterceptor interceptor() {
        return interceptor;
    }

    void recordPick(String address, SubsetSizes sizes) {
        counters.computeIfAbsent(address, a -> Counter.builder(PICKS)
                .description("Calls the P2C-EWMA balancer sent to each backend")
                .tag(TARGET, target)
                .tag(ADDRESS, a)
                .register(registry)).increment();
        if (sizes != null && sizes != subsetSizes) {
            subsetSizes = sizes;
            registerGauges();
        }
    }

    private void registerGauges() {
        if (!gaugesRegistered.compareAndSet(false, true)) {
            return;
        }
        // weakly held (Micrometer's default): the channel's interceptor keeps this alive, and a channel gone for
        // good leaves a NaN gauge instead of pinning its metrics in memory. A second channel with the same target in
        // the same registry gets the first one's gauges back from Micrometer: give channels distinct targets
        Gauge.builder(SUBSET_SIZE, this, m -> m.subsetSizes.used())
                .description("Backends the P2C-EWMA balancer connects to (its subset of the resolved ones)")
                .tag(TARGET, target)
                .register(registry);
        Gauge.builder(RESOLVED, this, m -> m.subsetSizes.resolved())
                .description("Backends the name resolver returned to the P2C-EWMA balancer")
                .tag(TARGET, target)
                .register(registry);
    }

    private final class Interceptor implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.withOption(CALL_OPTION, PickMetrics.this));
        }
    }
}
