package dev.plaza.kit.balance;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;

/**
 * What a name resolver can tell the balancer about a backend, as attributes of its {@link EquivalentAddressGroup}
 * (Kratos reads the same from the instance's metadata).
 */
public final class BalancerAttributes {
    /** Static weight relative to the other backends (positive); {@link #DEFAULT_WEIGHT} when absent. */
    public static final Attributes.Key<Integer> WEIGHT = Attributes.Key.create("plaza.balancer.weight");
    /** The backend's zone (e.g. {@code sh001}); with a local zone configured, same-zone backends are preferred. */
    public static final Attributes.Key<String> ZONE = Attributes.Key.create("plaza.balancer.zone");

    /** Kratos' default weight: every backend equal unless the registry says otherwise. */
    public static final int DEFAULT_WEIGHT = 100;

    private BalancerAttributes() {
    }

    static int weight(EquivalentAddressGroup group) {
        Integer weight = group.getAttributes().get(WEIGHT);
        // a nonsensical weight from a registry must not take the channel down: treat it as absent
        return weight == null || weight <= 0 ? DEFAULT_WEIGHT : weight;
    }

    static String zone(EquivalentAddressGroup group) {
        String zone = group.getAttributes().get(ZONE);
        return zone == null || zone.isBlank() ? null : zone;
    }
}
