package dev.plaza.kit.balance;

import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The policy's knobs, as grpc hands them over from the service config:
 * {@code {"loadBalancingConfig": [{"plaza_p2c_ewma": {"zone": "sh001", "decayMillis": 600, "forcePickMillis": 3000,
 * "subsetSize": 25}}]}}. Every field is optional.
 *
 * @param zone       the caller's zone: backends with the same {@link BalancerAttributes#ZONE} are used while any of
 *                   them is ready; null = no preference
 * @param decay      tau of the latency and success EWMAs; applies to backends first seen after it was set
 * @param forcePick  how long a backend may lose every draw before it is chosen once anyway
 * @param subsetSize with more ordinary (uncoloured) backends than this, the client connects to only this many,
 *                   chosen by consistent hashing on {@code subsetKey}; with a zone, the same-zone and the other
 *                   backends are subset separately. 0 = off, the default: subsets spread load evenly only when
 *                   clients x subsetSize is many times the number of backends, which the policy cannot know
 * @param subsetKey  what chooses this client's subset; null = a random key per process. Set it only per client
 *                   (a channel's default config), never in a config many clients share: they would all use the same
 *                   subset
 */
public record P2cConfig(String zone, Duration decay, Duration forcePick, int subsetSize, String subsetKey) {
    /** Subsetting off: fleets of a few dozen backends need none, and P2C itself looks at two backends per call. */
    public static final int DEFAULT_SUBSET_SIZE = 0;
    public static final P2cConfig DEFAULT = new P2cConfig(null, EwmaNode.DEFAULT_DECAY, P2cPicker.DEFAULT_FORCE_PICK);

    private static final Set<String> KEYS = Set.of("zone", "decayMillis", "forcePickMillis", "subsetSize",
            "subsetKey");

    public P2cConfig {
        zone = zone == null || zone.isBlank() ? null : zone;
        subsetKey = subsetKey == null || subsetKey.isBlank() ? null : subsetKey;
        if (!decay.isPositive() || !forcePick.isPositive()) {
            throw new IllegalArgumentException("decay and forcePick must be positive, got " + decay + ", " + forcePick);
        }
        if (subsetSize < 0) {
            throw new IllegalArgumentException("subsetSize must be 0 (off) or positive, got " + subsetSize);
        }
    }

    /** Without subsetting. */
    public P2cConfig(String zone, Duration decay, Duration forcePick) {
        this(zone, decay, forcePick, DEFAULT_SUBSET_SIZE, null);
    }

    public P2cConfig withZone(String zone) {
        return new P2cConfig(zone, decay, forcePick, subsetSize, subsetKey);
    }

    /** Connect to at most {@code size} ordinary backends per zone group; 0 = all. */
    public P2cConfig withSubsetSize(int size) {
        return new P2cConfig(zone, decay, forcePick, size, subsetKey);
    }

    /** Choose the subset by {@code key} instead of a random per-process key, e.g. to keep it across restarts. */
    public P2cConfig withSubsetKey(String key) {
        return new P2cConfig(zone, decay, forcePick, subsetSize, key);
    }

    /** The JSON-shaped map for a service config's {@code loadBalancingConfig} entry (numbers as doubles, as grpc wants). */
    public Map<String, Object> toServiceConfig() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (zone != null) {
            map.put("zone", zone);
        }
        map.put("decayMillis", (double) decay.toMillis());
        map.put("forcePickMillis", (double) forcePick.toMillis());
        map.put("subsetSize", (double) subsetSize);
        if (subsetKey != null) {
            map.put("subsetKey", subsetKey);
        }
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
            return ConfigOrError.fromConfig(new P2cConfig(string(raw, "zone"),
                    millis(raw, "decayMillis", DEFAULT.decay()), millis(raw, "forcePickMillis", DEFAULT.forcePick()),
                    count(raw, "subsetSize", DEFAULT.subsetSize()), string(raw, "subsetKey")));
        } catch (IllegalArgumentException e) {
            return ConfigOrError.fromError(Status.INVALID_ARGUMENT
                    .withDescription("bad " + P2cLoadBalancerProvider.POLICY_NAME + " config: " + e.getMessage()));
        }
    }

    private static String string(Map<String, ?> raw, String key) {
        Object value = raw.get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(key + " must be a string, got " + value);
        }
        return (String) value;
    }

    private static int count(Map<String, ?> raw, String key, int fallback) {
        Object value = raw.get(key);
        if (value == null) {
            return fallback;
        }
        // JSON numbers arrive as doubles: 2.5 backends is a typo, not something to round
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                || Math.abs(number.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + value);
        }
        return number.intValue();
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
