package dev.plaza.kit.rpc;

import io.grpc.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request-scoped {@code x-md-global-*} values (a colour for canary routing, a request source, ...). A server
 * reads them from the caller's headers into the gRPC {@link Context}; every Plaza client call made in that Context
 * sends them on, so they reach the end of the call chain without any handler passing them by hand.
 *
 * <p>The Context is per thread: work handed to another thread must carry it ({@code Context.current().wrap(task)}).
 */
public record RpcMetadata(Map<String, String> values) {
    public static final RpcMetadata EMPTY = new RpcMetadata(Map.of());

    static final Context.Key<RpcMetadata> KEY = Context.key("plaza-rpc-metadata");

    public RpcMetadata {
        Map<String, String> checked = new LinkedHashMap<>();
        values.forEach((key, value) -> checked.put(checkKey(key), checkValue(key, value)));
        values = Map.copyOf(checked);
    }

    /** The values of the call being handled (or set with {@link #context()}); {@link #EMPTY} outside any. */
    public static RpcMetadata current() {
        RpcMetadata md = KEY.get();
        return md == null ? EMPTY : md;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key.toLowerCase(Locale.ROOT)));
    }

    /** A copy with one more value; {@code key} must start with {@value RpcHeaders#GLOBAL_PREFIX}. */
    public RpcMetadata with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(checkKey(key), value);
        return new RpcMetadata(copy);
    }

    /** The current gRPC Context carrying these values; run the outgoing calls in it ({@code .run(...)}, {@code .call(...)}). */
    public Context context() {
        return Context.current().withValue(KEY, this);
    }

    private static String checkKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (!k.startsWith(RpcHeaders.GLOBAL_PREFIX) || k.length() == RpcHeaders.GLOBAL_PREFIX.length()
                || k.endsWith("-bin") || !k.chars().allMatch(RpcMetadata::isKeyChar)) {
            throw new IllegalArgumentException("metadata key must look like " + RpcHeaders.GLOBAL_PREFIX
                    + "name (a-z 0-9 - _ .), got " + key);
        }
        return k;
    }

    private static String checkValue(String key, String value) {
        if (value == null || !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException("metadata value of " + key + " must be printable ASCII, got " + value);
        }
        return value;
    }

    private static boolean isKeyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }
}
