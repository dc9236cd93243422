package dev.plaza.account;

import dev.plaza.account.client.AccountAuthenticator;
import dev.plaza.account.server.AccountConfig;
import dev.plaza.account.server.AccountServer;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.engines.Endpoints;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.metrics.Metrics;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The account system wired as in production (gRPC service behind the kit interceptors, edge authenticating through
 * gRPC) against real MariaDB and Redis, in a database of its own.
 */
final class AccountTestStack implements AutoCloseable {
    private final Redis redis;
    private final AccountServer server;
    private final RpcServer rpc;
    private final RpcClient channel;
    private final HttpEdge edge;

    private AccountTestStack(Redis redis, AccountServer server, RpcServer rpc, RpcClient channel, HttpEdge edge) {
        this.redis = redis;
        this.server = server;
        this.rpc = rpc;
        this.channel = channel;
        this.edge = edge;
    }

    static AccountTestStack start(Endpoints e, String database) throws Exception {
        e.dropDatabase(database);
        PrometheusMeterRegistry meters = Metrics.create("account-test");
        Redis redis = Redis.connect(new RedisConfig(e.redisUri(), Duration.ofSeconds(2)));
        redis.sync().flushdb();
        AccountConfig cfg = new AccountConfig(
                new DbConfig(e.jdbcUrl(database), e.mariadbUser(), e.mariadbPassword(), 8, Duration.ofSeconds(2)),
                4, Duration.ofDays(1), "/static/face/default.svg", 5, 1000, Duration.ofMinutes(15));
        AccountServer server = AccountServer.create(cfg, redis, meters, Clock.systemUTC());
        String name = "account-test-" + database;
        RpcServer rpc = RpcServer.builder("account").inProcess(name).addService(server.grpcService())
                .meterRegistry(meters).build();
        rpc.start();
        RpcClient channel = RpcChannels.builder("account-test").meterRegistry(meters).build().inProcess(name);
        HttpEdge edge = HttpEdge.builder(HttpEdgeConfig.local(0))
                .meterRegistry(meters)
                .metricsScrape(() -> Metrics.scrape(meters))
                .authenticator(new AccountAuthenticator(AccountGrpc.newBlockingStub(channel)))
                .routes(server.httpRoutes())
                .readiness("db", server.database()::isHealthy)
                .build();
        edge.start();
        return new AccountTestStack(redis, server, rpc, channel, edge);
    }

    int httpPort() {
        return edge.port();
    }

    AccountServer server() {
        return server;
    }

    AccountGrpc.AccountBlockingStub stub() {
        return AccountGrpc.newBlockingStub(channel);
    }

    Redis redis() {
        return redis;
    }

    @Override
    public void close() {
        edge.close();
        channel.close();
        rpc.close();
        server.close();
        redis.close();
    }
}
