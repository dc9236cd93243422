package dev.plaza.standalone;

import dev.plaza.account.server.AccountConfig;
import dev.plaza.archive.server.ArchiveConfig;
import dev.plaza.comment.server.CommentConfig;
import dev.plaza.history.server.HistoryConfig;
import dev.plaza.im.server.ImConfig;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.breaker.BreakerConfig;
import dev.plaza.kit.breaker.RetryConfig;
import dev.plaza.kit.log.LogConfig;
import dev.plaza.kit.limit.LimiterConfig;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.Fallback;
import dev.plaza.kit.trace.TraceConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything the all-in-one process reads; defaults in {@code plaza/standalone.yaml}, keys in docs/configuration.md. */
public record StandaloneConfig(HttpEdgeConfig http, Grpc grpc, LogConfig log, TraceConfig trace, Engines engines,
                               RedisConfig redis, Kafka kafka, OpenSearch opensearch, AccountConfig account,
                               ArchiveConfig archive, CommentConfig comment, HistoryConfig history, ImConfig im,
                               LimiterConfig limiter, RateLimit rateLimit, Discovery discovery, Web web, Demo demo) {

    /**
     * @param host           the address a role process ({@code ./plaza run}) serves gRPC on
     * @param port           {@code ./plaza up}: 0 keeps gRPC in-process only; {@code ./plaza run}: 0 takes any free
     *                       port (it is registered in ZooKeeper, so callers need not know it)
     * @param defaultTimeout the deadline of a call that has none (its caller's remaining time travels otherwise)
     * @param methodTimeouts deadlines of particular methods, for both the clients and the server
     * @param fallbacks      what clients answer for particular methods when their service is down or overloaded
     * @param client         the breaker, retries and bulkhead of every client channel
     * @param services       per dependency service, settings that replace {@code client}'s
     */
    public record Grpc(String host, int port, Duration defaultTimeout, List<MethodTimeout> methodTimeouts,
                       List<MethodFallback> fallbacks, Client client, List<ServiceClient> services) {
        /** The client settings for calls to {@code service}: its override where one is configured. */
        public Client clientFor(String service) {
            for (ServiceClient s : services) {
                if (s.service().equals(service)) {
                    return new Client(s.breaker().orElse(client.breaker()), s.retry().orElse(client.retry()),
                            s.bulkhead().orElse(client.bulkhead()));
                }
            }
            return client;
        }
    }

    /**
     * @param breaker  SRE adaptive throttling per method ({@code docs/availability.md})
     * @param retry    attempts, backoff and budget of retries of idempotent methods
     * @param bulkhead calls in flight per dependency service; one more is refused at once
     */
    public record Client(BreakerConfig breaker, RetryConfig retry, int bulkhead) {
        public Client {
            if (bulkhead < 1) {
                throw new IllegalArgumentException("grpc.client.bulkhead must be at least 1, was " + bulkhead);
            }
        }
    }

    /**
     * Settings for the calls to one service; what is left out is {@code grpc.client}'s.
     *
     * @param service a gRPC service's full name, e.g. {@code plaza.account.v1.Account}
     */
    public record ServiceClient(String service, Optional<BreakerConfig> breaker, Optional<RetryConfig> retry,
                                Optional<Integer> bulkhead) {
        public ServiceClient {
            if (service == null || !service.matches("[A-Za-z0-9_.]+")) {
                throw new IllegalArgumentException("grpc.services[].service must be a full gRPC service name, was "
                        + service);
            }
            if (bulkhead.isPresent() && bulkhead.get() < 1) {
                throw new IllegalArgumentException("grpc.services[].bulkhead must be at least 1 for " + service);
            }
        }
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

    /**
     * The web front end (pages at {@code /}, {@code /video/{aid}}, ...; files at {@code /static/}), served by
     * {@code ./plaza up}'s edge. Role processes do not serve it: their pages would call APIs of other processes.
     */
    public record Web(boolean enabled) {
    }

    /** Seeds demo users (all with {@code password}) and videos into an empty install. */
    public record Demo(boolean enabled, String password) {
    }
}
