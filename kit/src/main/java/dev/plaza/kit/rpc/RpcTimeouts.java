package dev.plaza.kit.rpc;

import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a call may take when nobody upstream said: per full method name ({@code package.Service/Method}), else
 * the default. An inherited or caller-sent deadline always wins, so a deep call chain shares its first caller's budget.
 * The default applies to unary calls only; a streaming method gets a timeout only when named in {@code perMethod}.
 */
public record RpcTimeouts(Duration defaultTimeout, Map<String, Duration> perMethod) {
    /** Long enough for any sane unary call, short enough that a stuck peer does not pile requests up. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    public RpcTimeouts {
        requirePositive(defaultTimeout, "default timeout");
        perMethod.forEach((method, timeout) -> {
            requireFullMethodName(method);
            requirePositive(timeout, "timeout of " + method);
        });
        perMethod = Map.copyOf(perMethod);
    }

    public static RpcTimeouts defaults() {
        return new RpcTimeouts(DEFAULT, Map.of());
    }

    public RpcTimeouts withDefault(Duration timeout) {
        return new RpcTimeouts(timeout, perMethod);
    }

    public RpcTimeouts withMethod(String fullMethodName, Duration timeout) {
        Map<String, Duration> copy = new HashMap<>(perMethod);
        copy.put(fullMethodName, timeout);
        return new RpcTimeouts(defaultTimeout, copy);
    }

    public Duration forMethod(String fullMethodName) {
        return perMethod.getOrDefault(fullMethodName, defaultTimeout);
    }

    /**
     * The timeout to impose on a call of {@code method}: streams (a push channel, a watch) live as long as they
     * live, so they get one only when configured by name; unary calls always get one.
     */
    Optional<Duration> imposedOn(MethodDescriptor<?, ?> method) {
        Duration configured = perMethod.get(method.getFullMethodName());
        if (configured != null) {
            return Optional.of(configured);
        }
        return method.getType() == MethodDescriptor.MethodType.UNARY ? Optional.of(defaultTimeout) : Optional.empty();
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    private static void requireFullMethodName(String method) {
        int slash = method == null ? -1 : method.indexOf('/');
        if (slash <= 0 || slash == method.length() - 1) {
            throw new IllegalArgumentException("expected a full method name like package.Service/Method, got " + method);
        }
    }
}
