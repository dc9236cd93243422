package dev.plaza.kit.metrics;

/**
 * The RED meter names and tag keys every transport records, so dashboards and alerts work for every service. Names
 * are Micrometer dot names; Prometheus sees them as e.g. {@code http_server_requests_seconds_count}. Timers under
 * these names get latency histograms (see {@link Metrics#create}).
 *
 * <p>Tag values must stay low-cardinality: the route template, never the raw path; the gRPC method, never a user id.
 */
public final class MetricNames {
    /** Timer, tags {@link #METHOD} (GET...), {@link #ROUTE} (template), {@link #CODE} (business code, "0" = ok). */
    public static final String HTTP_SERVER_REQUESTS = "http.server.requests";
    /** Timer, tags {@link #METHOD} ({@code package.Service/Method}) and {@link #CODE} (Status.Code name). */
    public static final String GRPC_SERVER_REQUESTS = "grpc.server.requests";
    /** Timer, tags {@link #METHOD} ({@code package.Service/Method}) and {@link #CODE} (Status.Code name). */
    public static final String GRPC_CLIENT_REQUESTS = "grpc.client.requests";
    /**
     * Counter, tags {@link #TARGET} and {@link #METHOD}: calls a client's circuit breaker failed locally
     * ({@code plaza_breaker_rejected_total}).
     */
    public static final String BREAKER_REJECTED = "plaza.breaker.rejected";
    /**
     * Gauge, tags {@link #TARGET} and {@link #METHOD}: the probability the breaker drops the next call, 0 when closed
     * ({@code plaza_breaker_drop_probability}).
     */
    public static final String BREAKER_DROP_PROBABILITY = "plaza.breaker.drop.probability";
    /**
     * Counter, tags {@link #TARGET}, {@link #METHOD} and {@link #OUTCOME} ({@code retried} or
     * {@code budget_exhausted}): failed attempts a client could have retried ({@code plaza_retries_total}).
     */
    public static final String RETRIES = "plaza.retries";
    /**
     * Counter, tags {@link #TARGET} and {@link #SERVICE}: calls a client's bulkhead refused because that many calls
     * to the service were in flight already ({@code plaza_bulkhead_rejected_total}).
     */
    public static final String BULKHEAD_REJECTED = "plaza.bulkhead.rejected";
    /**
     * Counter, tags {@link #TARGET}, {@link #METHOD} and {@code fallback}: calls answered by a fallback because the
     * dependency was down or overloaded ({@code plaza_degraded_total}).
     */
    public static final String DEGRADED = "plaza.degraded";
    /** Gauge, tags {@link #TARGET} and {@link #SERVICE}: calls in flight through a bulkhead. */
    public static final String BULKHEAD_IN_FLIGHT = "plaza.bulkhead.in.flight";
    /**
     * Counter, tag {@code limiter} (the quota's name): requests a shared Redis quota ({@code kit.redis.RedisTokenBucket})
     * let through, including those let through because Redis failed and the quota fails open
     * ({@code plaza_quota_allowed_total}).
     */
    public static final String QUOTA_ALLOWED = "plaza.quota.allowed";
    /** Counter, tag {@code limiter}: requests a shared quota refused ({@code plaza_quota_refused_total}). */
    public static final String QUOTA_REFUSED = "plaza.quota.refused";
    /**
     * Counter, tag {@code limiter}: quota checks Redis could not answer, decided by the quota's fail-open or
     * fail-closed setting instead ({@code plaza_quota_errors_total}).
     */
    public static final String QUOTA_ERRORS = "plaza.quota.errors";

    public static final String METHOD = "method";
    public static final String ROUTE = "route";
    public static final String CODE = "code";
    /** The peer a client calls, as its RpcClient names it ({@code host:port}, {@code in-process:name}, ...). */
    public static final String TARGET = "target";
    public static final String OUTCOME = "outcome";
    /** A gRPC service ({@code plaza.comment.v1.Comment}). */
    public static final String SERVICE = "service";

    /** The common tag {@link Metrics#create} puts on every meter. */
    public static final String APPLICATION = "application";

    private MetricNames() {
    }
}
