package dev.plaza.standalone;

import dev.plaza.account.server.AccountConfig;
import dev.plaza.archive.server.ArchiveConfig;
import dev.plaza.comment.server.CommentConfig;
import dev.plaza.history.server.HistoryConfig;
import dev.plaza.im.server.ImConfig;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.log.LogConfig;
import dev.plaza.kit.limit.LimiterConfig;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.Fallback;
import dev.plaza.kit.trace.TraceConfig;
import java.time.Duration;
import java.util.List;

/** Everything the all-in-one process reads; defaults in {@code plaza/standalone.yaml}, keys in docs/configuration.md. */
public record StandaloneConfig(HttpEdgeConfig http, Grpc grpc, LogConfig log, TraceConfig trace, Engines engines,
                               RedisConfig redis, Kafka kafka, OpenSearch opensearch, AccountConfig account,
                               ArchiveConfig archive, CommentConfig comment, HistoryConfig history, ImConfig im,
                               LimiterConfig limiter, RateLimit rateLimit, Discovery discovery, Demo demo) {

    /**
     * @param host           the address a role process ({@code ./plaza run}) serves gRPC on
     * @param port           {@code ./plaza up}: 0 keeps gRPC in-process only; {@code ./plaza run}: 0 takes any free
     *                       port (it is registered in ZooKeeper, so callers need not know it)
     * @param defaultTimeout the deadline of a call that has none (its caller's remaining time travels otherwise)
     * @param methodTimeouts deadlines of particular methods, for both the clients and the server
     * @param fallbacks      what clients answer for particular methods when their service is down or overloaded
     */
    public record Grpc(String host, int port, Duration defaultTimeout, List<MethodTimeout> methodTimeouts,
                       List<MethodFallback> fallbacks) {
    }

    /** @param method {@code package.Service/Method} (unary) */
    public record MethodFallback(String method, Fallback fallback) {
        public MethodFallback {
            new MethodTimeout(method, Duration.ofSeconds(1)); // the same check of the name
            java.util.Objects.requireNonNull(fallback, "grpc.fallbacks[].fallback is required for " + method);
        }
    }

    /** @param method {@code package.Service/Method}, e.g. {@code plaza.comment.v1.Comment/ListRoots} */
    public record MethodTimeout(String method, Duration timeout) {
        public MethodTimeout {
            if (method == null || !method.matches("[A-Za-z0-9_.]+/[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("grpc.methodTimeouts[].method must be package.Service/Method, was "
                        + method);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("grpc.methodTimeouts[].timeout must be positive for " + method);
            }
        }
    }

    /**
     * @param embedded start the engines from Maven artifacts; false uses the configured addresses
     * @param dataDir  where embedded engines keep their data, relative to the Plaza home
     * @param kinds    which engines to start
     */
    public record Engines(boolean embedded, String dataDir, List<String> kinds) {
    }

    public record Kafka(String bootstrap) {
    }

    /** @param url {@code http://host:port} of the search cluster (comment admin search) */
    public record OpenSearch(String url) {
    }

    /**
     * Token buckets at the HTTP edge, per client address and per logged-in user; a rate of 0 turns one off.
     *
     * @param idle how long an unused key's bucket is remembered
     */
    public record RateLimit(double perIpRate, int perIpBurst, double perUserRate, int perUserBurst, Duration idle,
                            int maxKeys) {
        public RateLimit {
            if (perIpRate < 0 || perUserRate < 0 || perIpBurst < 1 || perUserBurst < 1 || maxKeys < 1) {
                throw new IllegalArgumentException("rateLimit rates must be >= 0 (0: off), bursts and maxKeys >= 1");
            }
        }
    }

    /**
     * How role processes ({@code ./plaza run <role>}) find each other; unused by {@code ./plaza up}.
     *
     * @param zookeeper      Curator connect string ({@code host:port,...})
     * @param host           the address other processes reach this one at (registered with its gRPC port)
     * @param zone           where it runs; callers prefer instances of their own zone
     * @param color          its traffic colour, "" for none: a coloured instance gets only that colour's traffic
     * @param weight         its share of traffic relative to the default 100 (1 to 1000)
     * @param timeout        for connecting to ZooKeeper, registering, leasing worker ids
     * @param sessionTimeout how long after a crash its instances stay listed
     * @param leaveDelay     how long a stopping process waits between leaving the registry and draining its
     *                       server, so callers see it gone before it refuses calls
     */
    public record Discovery(String zookeeper, String host, String zone, String color, int weight, Duration timeout,
                            Duration sessionTimeout, Duration leaveDelay) {
        public Discovery {
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException("discovery.weight must be 1 to 1000, was " + weight);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero() || sessionTimeout == null
                    || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
                throw new IllegalArgumentException("discovery.timeout and discovery.sessionTimeout must be positive");
            }
            if (leaveDelay == null || leaveDelay.isNegative()) {
                throw new IllegalArgumentException("discovery.leaveDelay must not be negative");
            }
        }
    }

    /** Seeds demo users (all with {@code password}) and videos into an empty install. */
    public record Demo(boolean enabled, String password) {
    }
}
