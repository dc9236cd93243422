package dev.plaza.comment.service;

import dev.plaza.account.biz.LoginResult;
import dev.plaza.account.client.AccountAuthenticator;
import dev.plaza.account.server.AccountConfig;
import dev.plaza.account.server.AccountServer;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.comment.v1.CommentGrpc;
import dev.plaza.archive.server.ArchiveConfig;
import dev.plaza.archive.server.ArchiveServer;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.biz.CommentReadUsecase;
import dev.plaza.comment.biz.CommentUsecase;
import dev.plaza.comment.biz.Mentions;
import dev.plaza.kit.text.SensitiveFilter;
import dev.plaza.comment.data.cache.RedisCommentCache;
import dev.plaza.comment.data.cache.RedisDuplicateGuard;
import dev.plaza.comment.data.cache.RedisSubjectPostQuota;
import dev.plaza.comment.data.cache.RedisWriteLimiter;
import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.db.ShardedCommentReadRepo;
import dev.plaza.comment.data.db.ShardedCommentStore;
import dev.plaza.comment.data.remote.GrpcMemberDirectory;
import dev.plaza.comment.data.remote.GrpcSubjectDirectory;
import dev.plaza.comment.job.JobUsecase;
import dev.plaza.comment.server.CommentServer;
import dev.plaza.engines.Endpoints;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.hotkey.HotKeyDetector;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.id.Snowflake;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The comment service and interface roles with everything they talk to, real: MariaDB (the sharded tables), Redis,
 * the account and archive systems, every gRPC service behind the kit's interceptors on the in-process transport (as
 * in standalone mode), and the kit's HTTP edge in front with the comment BFF routes, which call the comment service
 * through its gRPC stub. Events go to {@code events}: {@link SyncEvents} applies them at once through the job's use
 * case; the Kafka test passes the real publisher.
 */
final class CommentTestStack implements AutoCloseable {
    static final String PASSWORD = "correct-horse-9";
    static final List<String> SENSITIVE = List.of("badword", "广告");

    /** Limits of the write path, small enough to reach in a test; a per-subject rate of 0 is no quota. */
    record Limits(int posts, int actions, Duration window, Duration duplicateWindow, double perSubjectRate,
                  int perSubjectBurst) {
        static Limits generous() {
            return new Limits(1000, 1000, Duration.ofSeconds(10), Duration.ofSeconds(60), 1000, 1000);
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Endpoints endpoints;
    private Redis redis;
    private AccountServer account;
    private ArchiveServer archive;
    private CommentShards shards;
    private ShardedCommentStore store;
    private ShardedCommentReadRepo repo;
    private RedisCommentCache cache;
    private CommentReadUsecase reads;
    private CommentUsecase writes;
    private CommentGrpc.CommentBlockingStub commentStub;
    private HttpEdge edge;

    private CommentTestStack(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * Fresh databases {@code <name>_comment}, {@code <name>_archive}, {@code <name>_account}, Redis database
     * {@code redisDb} (flushed). {@code events} gets the store, read repo and cache to build the publisher with.
     */
    static CommentTestStack start(Endpoints endpoints, String name, int redisDb, Limits limits,
                                  Function<CommentTestStack, CommentEvents> events) throws Exception {
        CommentTestStack s = new CommentTestStack(endpoints);
        try {
            s.boot(name, redisDb, limits, events);
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private void boot(String name, int redisDb, Limits limits, Function<CommentTestStack, CommentEvents> eventsOf)
            throws Exception {
        for (String db : List.of("_comment", "_archive", "_account")) {
            endpoints.dropDatabase(name + db);
            endpoints.createDatabase(name + db);
        }
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + redisDb, Duration.ofSeconds(2)));
        closeables.add(redis);
        redis.sync().flushdb();

        account = AccountServer.create(new AccountConfig(db(name + "_account"), 4, Duration.ofHours(1),
                "https://img.example.com/default-face.png", 50, 500, Duration.ofMinutes(15)), redis, meters,
                Clock.systemUTC());
        closeables.add(account);
        RpcChannels channels = RpcChannels.builder("comment-test").meterRegistry(meters).build();
        AccountGrpc.AccountBlockingStub accountStub = AccountGrpc.newBlockingStub(serve(channels, "account",
                account.grpcService()));

        archive = ArchiveServer.create(new ArchiveConfig(db(name + "_archive"), Duration.ofSeconds(2), 2,
                Duration.ofMillis(200), 100), redis, accountStub, null, meters, Clock.systemUTC());
        closeables.add(archive);
        ArchiveGrpc.ArchiveBlockingStub archiveStub = ArchiveGrpc.newBlockingStub(serve(channels, "archive",
                archive.grpcService()));

        shards = CommentShards.open(CommentDbConfig.single(db(name + "_comment"), 4, 8, 8, 8), meters);
        closeables.add(shards);
        store = new ShardedCommentStore(shards, Clock.systemUTC());
        repo = new ShardedCommentReadRepo(shards);
        cache = new RedisCommentCache(redis, RedisCommentCache.Settings.defaults());
        CommentEvents events = eventsOf.apply(this);

        GrpcMemberDirectory members = new GrpcMemberDirectory(accountStub, redis, Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        HotKeyDetector heat = CommentServer.subjectHeat(meters);
        heat.start();
        closeables.add(heat);
        reads = new CommentReadUsecase(cache, repo, events,
                new GrpcSubjectDirectory(archiveStub, Duration.ofSeconds(2), Duration.ofMinutes(10)),
                heat, CommentReadUsecase.Settings.defaults(),
                Clock.systemUTC());
        writes = new CommentUsecase(reads, repo, events, new Mentions(members),
                new SensitiveFilter(SENSITIVE, SensitiveFilter.Mode.REJECT),
                new RedisWriteLimiter(redis, "post", limits.posts(), limits.window()),
                new RedisWriteLimiter(redis, "action", limits.actions(), limits.window()),
                RedisSubjectPostQuota.of(redis, limits.perSubjectRate(), limits.perSubjectBurst(), meters),
                new RedisDuplicateGuard(redis, limits.duplicateWindow()), new Snowflake(1), Clock.systemUTC());
        commentStub = CommentGrpc.newBlockingStub(serve(channels, "comment", new CommentGrpcService(writes, reads)));

        // as in production: the edge resolves callers through the account service, the BFF calls the service
        edge = HttpEdge.builder(HttpEdgeConfig.local(0)).meterRegistry(meters)
                .authenticator(new AccountAuthenticator(accountStub))
                .routes(new CommentHttpRoutes(commentStub, members)).build();
        edge.start();
        closeables.add(edge);
    }

    private RpcClient serve(RpcChannels channels, String name, io.grpc.BindableService service) throws Exception {
        String inProcess = name + "-" + UUID.randomUUID();
        RpcServer server = RpcServer.builder(name).inProcess(inProcess).addService(service).meterRegistry(meters)
                .build();
        server.start();
        closeables.add(server);
        RpcClient client = channels.inProcess(inProcess);
        closeables.add(client);
        return client;
    }

    DbConfig db(String database) {
        return new DbConfig(endpoints.jdbcUrl(database), endpoints.mariadbUser(), endpoints.mariadbPassword(), 8,
                Duration.ofSeconds(5));
    }

    /** The job's use case over this stack's tables and cache (what the job role runs per event). */
    JobUsecase job() {
        return new JobUsecase(store, repo, cache);
    }

    /** Registers a user and logs in. */
    LoginResult user(String username) {
        account.usecase().register(username, PASSWORD);
        return account.usecase().login(username, PASSWORD, "127.0.0.1");
    }

    /** Registers an admin and logs in. */
    LoginResult admin(String username) {
        account.usecase().register(username, PASSWORD, true);
        return account.usecase().login(username, PASSWORD, "127.0.0.1");
    }

    /** A video owned by {@code owner}; its aid is the oid of its comment area (type 1). */
    long video(LoginResult owner, String title) {
        return archive.usecase().add(owner.user().mid(), title, "", 60, "", "https://cdn.example.com/v.mp4").aid();
    }

    Redis redis() {
        return redis;
    }

    RedisCommentCache cache() {
        return cache;
    }

    ShardedCommentStore store() {
        return store;
    }

    ShardedCommentReadRepo repo() {
        return repo;
    }

    CommentReadUsecase reads() {
        return reads;
    }

    CommentGrpc.CommentBlockingStub commentStub() {
        return commentStub;
    }

    int httpPort() {
        return edge.port();
    }

    SimpleMeterRegistry meters() {
        return meters;
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
