package dev.plaza.kit.balance;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Makes {@link P2cLoadBalancer}s for channels whose service config (or {@code defaultLoadBalancingPolicy}) names
 * {@value #POLICY_NAME}. Registered by {@link PlazaBalancing#register()}; not through {@code META-INF/services}, so
 * that using it is a visible decision of the code that builds the channel.
 */
public final class P2cLoadBalancerProvider extends LoadBalancerProvider {
    public static final String POLICY_NAME = "plaza_p2c_ewma";

    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    // the subset key of channels that set none: one per provider, and PlazaBalancing registers one per process, so
    // a process keeps its subset when grpc recreates a balancer and differs from every other process
    private final String subsetKey = UUID.randomUUID().toString();

    public P2cLoadBalancerProvider() {
        this(System::nanoTime, new ThreadLocalRandomSource());
    }

    /** Tests pass a fake clock and a seeded random. */
    public P2cLoadBalancerProvider(LongSupplier nanoClock, RandomGenerator random) {
        this.nanoClock = nanoClock;
        this.random = random;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int getPriority() {
        return 5; // grpc's default for a provider that is the only one of its name
    }

    @Override
    public String getPolicyName() {
        return POLICY_NAME;
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
        return new P2cLoadBalancer(helper, nanoClock, random, subsetKey);
    }

    @Override
    public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
        return P2cConfig.parse(rawConfig);
    }
}
