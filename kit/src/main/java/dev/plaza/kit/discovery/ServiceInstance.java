package dev.plaza.kit.discovery;

import java.util.Objects;

/**
 * One running instance of a service role as it registers itself (bilibili/discovery's instance, trimmed): callers
 * resolve a service name to these and balance over their gRPC addresses.
 *
 * @param service  the service name callers resolve ({@code comment.service})
 * @param id       unique among the service's instances (host:port serves)
 * @param zone     where it runs; callers prefer their own zone
 * @param host     the address callers connect to
 * @param grpcPort its gRPC port
 * @param color    its traffic colour, "" for none (only that colour's traffic comes to a coloured instance)
 * @param weight   its relative share of traffic, 1 to 1000 (default 100)
 * @param version  the build it runs, for operators
 */
public record ServiceInstance(String service, String id, String zone, String host, int grpcPort, String color,
                              int weight, String version) {
    public static final int DEFAULT_WEIGHT = 100;

    public ServiceInstance {
        requireName(service, "service");
        requireName(id, "id");
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (grpcPort < 1 || grpcPort > 65535) {
            throw new IllegalArgumentException("grpcPort must be 1 to 65535, was " + grpcPort);
        }
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight must be 1 to 1000, was " + weight);
        }
        zone = zone == null ? "" : zone;
        color = color == null ? "" : color;
        version = version == null ? "" : version;
    }

    /** An instance with id {@code host:port}, no zone or colour, the default weight. */
    public static ServiceInstance of(String service, String host, int grpcPort) {
        return new ServiceInstance(service, host + ":" + grpcPort, "", host, grpcPort, "", DEFAULT_WEIGHT, "");
    }

    public ServiceInstance withColor(String c) {
        return new ServiceInstance(service, id, zone, host, grpcPort, c, weight, version);
    }

    public ServiceInstance withZone(String z) {
        return new ServiceInstance(service, id, z, host, grpcPort, color, weight, version);
    }

    public ServiceInstance withWeight(int w) {
        return new ServiceInstance(service, id, zone, host, grpcPort, color, w, version);
    }

    /** A znode name segment: letters, digits and {@code . _ - :} only, so a name can never climb the tree. */
    static void requireName(String s, String what) {
        if (s == null || s.isEmpty() || s.length() > 128 || !s.matches("[A-Za-z0-9._:\\-]+")) {
            throw new IllegalArgumentException(what + " must be 1 to 128 of [A-Za-z0-9._:-], was " + s);
        }
    }
}
