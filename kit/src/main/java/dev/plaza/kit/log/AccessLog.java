package dev.plaza.kit.log;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * One line per finished request on logger {@value #LOGGER}, as key/value structured arguments: the JSON encoder
 * writes them as fields ({@code "status":200}), the console shows {@code status=200} in the message. Turn access logs
 * off with {@code log.levels.plaza.access: WARN} (server faults still show at WARN).
 */
public final class AccessLog {
    public static final String LOGGER = "plaza.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** gRPC codes that mean the server (not the caller) failed; logged at WARN. */
    private static final Set<String> SERVER_FAULTS = Set.of("UNKNOWN", "INTERNAL", "DATA_LOSS", "UNAVAILABLE",
            "DEADLINE_EXCEEDED", "UNIMPLEMENTED");

    private AccessLog() {
    }

    /**
     * @param route   the route template ({@code /x/v2/reply}), not the raw path, to keep cardinality bounded
     * @param status  HTTP status
     * @param code    business code from the envelope (0 = ok)
     * @param traceId the request's trace id; used for the line when no trace is current any more ("" if none)
     */
    public static void http(String method, String route, int status, int code, long durationNanos, String remote,
                            String traceId) {
        Level level = status >= 500 ? Level.WARN : Level.INFO;
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        try (MDC.MDCCloseable ignored = withTraceId(traceId)) {
            LOG.atLevel(level).log("http {} {} {} {} {} {}", kv("method", method), kv("route", route),
                    kv("status", status), kv("code", code), kv("duration_ms", millis(durationNanos)),
                    kv("remote", remote));
        }
    }

    /**
     * @param fullMethod {@code package.Service/Method}
     * @param statusCode the {@code io.grpc.Status.Code} name, e.g. {@code OK}, {@code NOT_FOUND}
     */
    public static void grpc(String fullMethod, String statusCode, long durationNanos, String peer) {
        Level level = SERVER_FAULTS.contains(statusCode) ? Level.WARN : Level.INFO;
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        LOG.atLevel(level).log("grpc {} {} {} {}", kv("method", fullMethod), kv("code", statusCode),
                kv("duration_ms", millis(durationNanos)), kv("peer", peer));
    }

    /** Puts the trace id in the MDC for this one line unless a trace is already there; null means nothing to undo. */
    private static MDC.MDCCloseable withTraceId(String traceId) {
        if (traceId == null || traceId.isEmpty() || MDC.get(MdcKeys.TRACE_ID) != null) {
            return null;
        }
        return MDC.putCloseable(MdcKeys.TRACE_ID, traceId);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
