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

    public static final String METHOD = "method";
    public static final String ROUTE = "route";
    public static final String CODE = "code";

    /** The common tag {@link Metrics#create} puts on every meter. */
    public static final String APPLICATION = "application";

    private MetricNames() {
    }
}
