package dev.plaza.kit.balance;

import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The policy's knobs, as grpc hands them over from the service config:
 * {@code {"loadBalancingConfig": [{"plaza_p2c_ewma": {"zone": "sh001", "decayMillis": 600, "forcePickMillis": 3000}}]}}.
 * Every field is optional.
 *
 * @param zone      the caller's zone: backends with the same {@link BalancerAttributes#ZONE} are used while any of
 *                  them is ready; null = no preference
 * @param decay     tau of the latency and success EWMAs; applies to backends first seen after it was set
 * @param forcePick how long a backend may lose every draw before it is chosen once anyway
 */
public record P2cConfig(String zone, Duration decay, Duration forcePick) {
    public static final P2cConfig DEFAULT = new P2cConfig(null, EwmaNode.DEFAULT_DECAY, P2cPicker.DEFAULT_FORCE_PICK);

    private static final Set<String> KEYS = Set.of("zone", "decayMillis", "forcePickMillis");

    public P2cConfig {
        zone = zone == null || zone.isBlank() ? null : zone;
        if (!decay.isPositive() || !forcePick.isPositive()) {
            throw new IllegalArgumentException("decay and forcePick must be positive, got " + decay + ", " + forcePick);
        }
    }

    public P2cConfig withZone(String zone) {
        return new P2cConfig(zone, decay, forcePick);
    }

    /** The JSON-shaped map for a service config's {@code loadBalancingConfig} entry (numbers as doubles, as grpc wants). */
    public Map<String, Object> toServiceConfig() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (zone != null) {
            map.put("zone", zone);
        }
        map.put("decayMillis", (double) decay.toMillis());
        map.put("forcePickMillis", (double) forcePick.toMillis());
        return map;
    }

    /** Parses a service config entry; a bad one is an error grpc reports instead of a silently different policy. */
    static ConfigOrError parse(Map<String, ?> raw) {
        if (raw == null || raw.isEmpty()) {
            return ConfigOrError.fromConfig(DEFAULT);
        }
        try {
            for (String key : raw.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException("unknown key " + key + ", expected one of " + KEYS);
                }
            }
            Object zone = raw.get("zone");
            if (zone != null && !(zone instanceof String)) {
                throw new IllegalArgumentException("zone must be a string, got " + zone);
            }
            return ConfigOrError.fromConfig(new P2cConfig((String) zone,
                    millis(raw, "decayMillis", DEFAULT.decay()), millis(raw, "forcePickMillis", DEFAULT.forcePick())));
        } catch (IllegalArgumentException e) {
            return ConfigOrError.fromError(Status.INVALID_ARGUMENT
                    .withDescription("bad " + P2cLoadBalancerProvider.POLICY_NAME + " config: " + e.getMessage()));
        }
    }

    private static Duration millis(Map<String, ?> raw, String key, Duration fallback) {
        Object value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(key + " must be a number, got " + value);
        }
        return Duration.ofMillis(number.longValue());
    }
}
