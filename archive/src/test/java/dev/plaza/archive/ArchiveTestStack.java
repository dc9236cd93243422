package dev.plaza.archive;

import dev.plaza.account.biz.LoginResult;
import dev.plaza.account.client.AccountAuthenticator;
import dev.plaza.account.server.AccountConfig;
import dev.plaza.account.server.AccountServer;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.archive.server.ArchiveConfig;
import dev.plaza.archive.server.ArchiveServer;
import dev.plaza.engines.Endpoints;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The catalog with everything it talks to, real: MariaDB, Redis and Kafka from the engines, the real account system,
 * both gRPC services behind the kit's interceptors on the in-process transport (as in standalone mode), and the kit's
 * HTTP edge in front, authenticating through the account service.
 */
final class ArchiveTestStack implements AutoCloseable {
    private static final String PASSWORD = "correct-horse-9";
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Endpoints endpoints;
    private Redis redis;
    private AccountServer account;
    private AccountGrpc.AccountBlockingStub accountStub;
    private ArchiveServer archive;
    private ArchiveGrpc.ArchiveBlockingStub archiveStub;
    private HttpEdge edge;

    private ArchiveTestStack(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * Fresh databases {@code <name>_archive} and {@code <name>_account}, a Redis database of its own (index
     * {@code redisDb}, flushed) and the relay on when {@code kafkaBootstrap} is not null.
     */
    static ArchiveTestStack start(Endpoints endpoints, String name, int redisDb, String kafkaBootstrap) throws Exception {
        ArchiveTestStack s = new ArchiveTestStack(endpoints);
        try {
            s.boot(name, redisDb, kafkaBootstrap);
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private void boot(String name, int redisDb, String kafkaBootstrap) throws Exception {
        endpoints.dropDatabase(name + "_archive");
        endpoints.dropDatabase(name + "_account");
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + redisDb, Duration.ofSeconds(2)));
        closeables.add(redis);
        redis.sync().flushdb();

        account = AccountServer.create(new AccountConfig(db(name + "_account"), 4, Duration.ofHours(1),
                "https://img.example.com/default-face.png", 50, 500, Duration.ofMinutes(15)), redis, meters,
                Clock.systemUTC());
        closeables.add(account);
        RpcChannels channels = RpcChannels.builder("archive-test").meterRegistry(meters).build();
        String accountName = "account-" + UUID.randomUUID();
        RpcServer accountRpc = RpcServer.builder("account").inProcess(accountName)
                .addService(account.grpcService()).meterRegistry(meters).build();
        accountRpc.start();
        closeables.add(accountRpc);
        RpcClient accountChannel = channels.inProcess(accountName);
        closeables.add(accountChannel);
        accountStub = AccountGrpc.newBlockingStub(accountChannel);

        archive = startArchive(name, kafkaBootstrap);

        String archiveName = "archive-" + UUID.randomUUID();
        RpcServer archiveRpc = RpcServer.builder("archive").inProcess(archiveName)
                .addService(archive.grpcService()).meterRegistry(meters).build();
        archiveRpc.start();
        closeables.add(archiveRpc);
        RpcClient archiveChannel = channels.inProcess(archiveName);
        closeables.add(archiveChannel);
        archiveStub = ArchiveGrpc.newBlockingStub(archiveChannel);

        // as in production: the edge resolves callers through the account service's ResolveToken over gRPC
        edge = HttpEdge.builder(HttpEdgeConfig.local(0)).meterRegistry(meters)
                .authenticator(new AccountAuthenticator(accountStub))
                .routes(archive.httpRoutes()).build();
        edge.start();
        closeables.add(edge);
    }

    /** Another catalog instance on the same database (for relay tests); closed with the stack. */
    ArchiveServer startArchive(String name, String kafkaBootstrap) {
        ArchiveServer server = ArchiveServer.create(
                new ArchiveConfig(db(name + "_archive"), Duration.ofSeconds(2), 2, Duration.ofMillis(200), 100),
                redis, accountStub, kafkaBootstrap, meters, Clock.systemUTC());
        closeables.add(server);
        server.start();
        return server;
    }

    DbConfig db(String database) {
        return new DbConfig(endpoints.jdbcUrl(database), endpoints.mariadbUser(), endpoints.mariadbPassword(), 8,
                Duration.ofSeconds(5));
    }

    /** Registers a user and logs in. */
    LoginResult user(String username) {
        account.usecase().register(username, PASSWORD);
        return account.usecase().login(username, PASSWORD, "127.0.0.1");
    }

    ArchiveServer archive() {
        return archive;
    }

    AccountServer account() {
        return account;
    }

    ArchiveGrpc.ArchiveBlockingStub archiveStub() {
        return archiveStub;
    }

    Redis redis() {
        return redis;
    }

    SimpleMeterRegistry meters() {
        return meters;
    }

    int httpPort() {
        return edge.port();
    }

    /** {@code SELECT COUNT(*)} on the archive database. */
    long count(String sqlFromWhere, Object... args) {
        return archive.database().withConnection(c -> query(c, "SELECT COUNT(*) FROM " + sqlFromWhere, args));
    }

    private static long query(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        closeables.clear();
    }
}
