package dev.plaza.kit.rpc;

import io.grpc.Context;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which calls of the request being served were answered by a {@link Fallback}: the HTTP edge opens a record per
 * request ({@link #track()}), every degraded call made in it adds its method, and the edge tells the client
 * ({@code X-Plaza-Degraded}) that the answer is partly stale or empty.
 */
public final class Degradations {
    private static final Context.Key<Set<String>> KEY = Context.key("plaza-degradations");

    private Degradations() {
    }

    /** A Context in which degraded calls are recorded; run the request in it. */
    public static Context track() {
        return track(Context.current());
    }

    /** {@code base} with a fresh record of degraded calls. */
    public static Context track(Context base) {
        return base.withValue(KEY, ConcurrentHashMap.newKeySet());
    }

    /** Records a degraded call in the current request, if one is tracked. */
    static void record(String fullMethod) {
        Set<String> set = KEY.get();
        if (set != null) {
            set.add(fullMethod);
        }
    }

    /** The methods answered by a fallback in the current request, in no order; empty outside a tracked request. */
    public static List<String> current() {
        Set<String> set = KEY.get();
        return set == null ? List.of() : List.copyOf(set);
    }
}
