package dev.plaza.im.logic.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.im.logic.biz.ConnectionUsecase;
import dev.plaza.im.logic.biz.PushUsecase;
import dev.plaza.im.logic.biz.TokenResolver;
import dev.plaza.im.logic.data.account.AccountTokenResolver;
import dev.plaza.im.logic.data.mq.KafkaPushPublisher;
import dev.plaza.im.logic.data.redis.RedisOnlineRepo;
import dev.plaza.im.logic.data.redis.RedisRouteRepo;
import dev.plaza.im.logic.service.LogicGrpcService;
import dev.plaza.im.logic.service.LogicHttpRoutes;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Wires the im logic role by hand: data (Redis routes and online counts, the Kafka push publisher, the account
 * service for tokens) -> biz (connection and push use cases) -> service (the gRPC {@code Logic} service, goim's
 * HTTP push API). Between {@link #start()} and {@link #close()} the push API listens on its own edge (loopback port
 * 3111 by default). The host owns Redis, the producer and the account stub, and serves {@link #grpcService()} on its
 * RPC server.
 */
public final class LogicServer implements AutoCloseable {
    private final LogicConfig cfg;
    private final Redis redis;
    private final ConnectionUsecase connections;
    private final PushUsecase pushes;
    private final LogicGrpcService grpc;
    private final MeterRegistry meters;
    private final OpenTelemetry otel;
    private HttpEdge http;

    private LogicServer(LogicConfig cfg, Redis redis, ConnectionUsecase connections, PushUsecase pushes,
                        MeterRegistry meters, OpenTelemetry otel) {
        this.cfg = cfg;
        this.redis = redis;
        this.connections = connections;
        this.pushes = pushes;
        this.grpc = new LogicGrpcService(connections, pushes);
        this.meters = meters;
        this.otel = otel;
    }

    /** Makes sure the push topic exists and builds the use cases over the account service. */
    public static LogicServer create(LogicConfig cfg, Redis redis, MqProducer producer, KafkaConfig kafka,
                                     AccountGrpc.AccountBlockingStub account, MeterRegistry meters,
                                     OpenTelemetry otel, Clock clock) {
        return create(cfg, redis, producer, kafka, new AccountTokenResolver(account, cfg.accountTimeout()), meters,
                otel, clock);
    }

    /** As above with any token resolver (a host that resolves tokens in process). */
    public static LogicServer create(LogicConfig cfg, Redis redis, MqProducer producer, KafkaConfig kafka,
                                     TokenResolver tokens, MeterRegistry meters, OpenTelemetry otel, Clock clock) {
        KafkaPushPublisher publisher = KafkaPushPublisher.create(producer, kafka, cfg.pushTopic(),
                cfg.pushPartitions());
        RedisRouteRepo routes = new RedisRouteRepo(redis);
        ConnectionUsecase connections = new ConnectionUsecase(tokens, routes, new RedisOnlineRepo(redis, clock),
                cfg.connectionSettings(), clock);
        PushUsecase pushes = new PushUsecase(routes, publisher, cfg.pushSettings());
        return new LogicServer(cfg, redis, connections, pushes, meters == null ? new SimpleMeterRegistry() : meters,
                otel == null ? OpenTelemetry.noop() : otel);
    }

    /** Starts the HTTP push API (when enabled). */
    public synchronized void start() {
        if (!cfg.httpEnabled() || http != null) {
            return;
        }
        // a push body may use the whole limit; the edge refuses larger requests before any handler runs
        HttpEdgeConfig edge = new HttpEdgeConfig(cfg.httpHost(), cfg.httpPort(), List.of(),
                Math.max(cfg.maxBodyBytes(), 1024), Duration.ofSeconds(10));
        HttpEdge e = HttpEdge.builder(edge)
                .meterRegistry(meters)
                .openTelemetry(otel)
                .routes(new LogicHttpRoutes(pushes))
                .readiness("redis", redis::isHealthy)
                .build();
        e.start();
        http = e;
    }

    public BindableService grpcService() {
        return grpc;
    }

    /** The bound port of the push API (the free one picked when configured as 0). */
    public synchronized int httpPort() {
        if (http == null) {
            throw new IllegalStateException("the im push API is not running");
        }
        return http.port();
    }

    public ConnectionUsecase connections() {
        return connections;
    }

    public PushUsecase pushes() {
        return pushes;
    }

    public boolean isHealthy() {
        return redis.isHealthy();
    }

    /** Stops the push API (letting requests in flight finish). */
    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
            http = null;
        }
    }
}
