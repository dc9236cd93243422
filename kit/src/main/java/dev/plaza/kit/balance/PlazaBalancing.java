package dev.plaza.kit.balance;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolverRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * Puts the P2C-EWMA balancer on a channel. The one call for code that builds channels:
 *
 * <pre>{@code
 * ManagedChannelBuilder<?> builder = PlazaBalancing.channelBuilder(target, meterRegistry, P2cConfig.DEFAULT);
 * }</pre>
 *
 * or, for a builder made elsewhere, {@link #register()} before creating it and {@link #configure} after. With a
 * single-address target the balancer simply always picks that one backend.
 */
public final class PlazaBalancing {
    private PlazaBalancing() {
    }

    /**
     * Registers the {@value P2cLoadBalancerProvider#POLICY_NAME} policy and the {@value StaticNameResolverProvider#SCHEME}
     * scheme in grpc's default registries. Idempotent and safe from any thread: what is registered lives in grpc's
     * registries, which are process-wide by grpc's design; this class keeps no state of its own.
     */
    public static synchronized void register() {
        LoadBalancerRegistry balancers = LoadBalancerRegistry.getDefaultRegistry();
        if (!(balancers.getProvider(P2cLoadBalancerProvider.POLICY_NAME) instanceof P2cLoadBalancerProvider)) {
            balancers.register(new P2cLoadBalancerProvider());
        }
        NameResolverRegistry resolvers = NameResolverRegistry.getDefaultRegistry();
        if (!(resolvers.getProviderForScheme(StaticNameResolverProvider.SCHEME) instanceof StaticNameResolverProvider)) {
            resolvers.register(new StaticNameResolverProvider());
        }
    }

    /**
     * Makes {@code builder}'s channel balance with {@value P2cLoadBalancerProvider#POLICY_NAME} (registering it
     * first) and, with a meter registry, count {@code plaza.balancer.picks{target,address}}.
     *
     * @param target        the metrics' {@code target} tag: the channel's target string
     * @param meterRegistry null records nothing
     * @param config        zone and tuning; a service config from the resolver, if any, takes precedence
     */
    public static void configure(ManagedChannelBuilder<?> builder, String target, MeterRegistry meterRegistry,
            P2cConfig config) {
        register();
        // the policy by name, for resolvers whose service config has no balancing section...
        builder.defaultLoadBalancingPolicy(P2cLoadBalancerProvider.POLICY_NAME);
        // ...and with its knobs, for when they send none at all
        builder.defaultServiceConfig(Map.of("loadBalancingConfig",
                List.of(Map.of(P2cLoadBalancerProvider.POLICY_NAME, config.toServiceConfig()))));
        if (meterRegistry != null) {
            builder.intercept(new PickMetrics(meterRegistry, target).interceptor());
        }
    }

    /**
     * A plaintext channel builder for {@code target} (e.g. {@code static:///127.0.0.1:9001,127.0.0.1:9002}), already
     * {@link #configure configured}: add interceptors, user agent and so on, then build.
     */
    public static ManagedChannelBuilder<?> channelBuilder(String target, MeterRegistry meterRegistry,
            P2cConfig config) {
        register(); // before grpc looks up the target's scheme to choose a transport
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create());
        configure(builder, target, meterRegistry, config);
        return builder;
    }

    /** {@link #channelBuilder} built: a plaintext, balanced channel with nothing else added. */
    public static ManagedChannel newChannel(String target, MeterRegistry meterRegistry, P2cConfig config) {
        return channelBuilder(target, meterRegistry, config).build();
    }
}
