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

    /**
     * The backend's traffic colour ({@code x-md-global-color}); absent or empty for an ordinary backend. A coloured
     * backend gets only calls of its colour; a coloured call goes to its colour's backends, or to ordinary ones when
     * none of its colour is ready.
     */
    public static final Attributes.Key<String> COLOR = Attributes.Key.create("plaza.balancer.color");

    /** Kratos' default weight: every backend equal unless the registry says otherwise. */
    public static final int DEFAULT_WEIGHT = 100;

    private BalancerAttributes() {
    }

    static int weight(EquivalentAddressGroup group) {
        Integer weight = group.getAttributes().get(WEIGHT);
        // a nonsensical weight from a registry must not take the channel down: treat it as absent
        return weight == null || weight <= 0 ? DEFAULT_WEIGHT : weight;
    }

    static String color(EquivalentAddressGroup group) {
        String color = group.getAttributes().get(COLOR);
        return color == null ? "" : color;
    }

    static String zone(EquivalentAddressGroup group) {
        String zone = group.getAttributes().get(ZONE);
        return zone == null || zone.isBlank() ? null : zone;
    }
}
