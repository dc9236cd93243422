package dev.plaza.comment.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.comment.v1.CommentGrpc;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.biz.CommentReadUsecase;
import dev.plaza.comment.biz.CommentUsecase;
import dev.plaza.comment.biz.Mentions;
import dev.plaza.comment.biz.SubjectCountFeed;
import dev.plaza.comment.data.cache.RedisCommentCache;
import dev.plaza.comment.data.cache.RedisDuplicateGuard;
import dev.plaza.comment.data.cache.RedisSubjectPostQuota;
import dev.plaza.comment.data.cache.RedisWriteLimiter;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.db.ShardedCommentReadRepo;
import dev.plaza.comment.data.db.ShardedCommentStore;
import dev.plaza.comment.data.mq.KafkaCommentEvents;
import dev.plaza.comment.data.mq.KafkaSubjectCountFeed;
import dev.plaza.comment.data.remote.GrpcMemberDirectory;
import dev.plaza.comment.data.remote.GrpcSubjectDirectory;
import dev.plaza.comment.job.CommentJob;
import dev.plaza.comment.service.CommentGrpcService;
import dev.plaza.comment.service.CommentHttpRoutes;
import dev.plaza.kit.db.Database;
import dev.plaza.kit.hotkey.HeavyKeeper;
import dev.plaza.kit.hotkey.HotKeyDetector;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.id.Snowflake;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import io.grpc.BindableService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;

/**
 * Wires the comment system's layers by hand: data (sharded tables, Redis, Kafka, the account and archive services)
 * -> biz (read and write use cases) -> service (gRPC) and interface (HTTP routes over a gRPC stub). It also makes the
 * job role over the same tables and cache. The host owns the transports, the Redis connection, the Kafka producer and
 * the stubs; this server owns the database pools and the hot-subject detector.
 */
public final class CommentServer implements AutoCloseable {
    private final CommentShards shards;
    private final HotKeyDetector heat;
    private final ShardedCommentStore store;
    private final ShardedCommentReadRepo repo;
    private final RedisCommentCache cache;
    private final CommentEvents events;
    private final GrpcMemberDirectory members;
    private final CommentReadUsecase reads;
    private final CommentUsecase writes;
    private final CommentGrpcService grpc;
    private final SubjectCountFeed counts;

    private CommentServer(CommentShards shards, HotKeyDetector heat, ShardedCommentStore store,
                          ShardedCommentReadRepo repo, RedisCommentCache cache, CommentEvents events,
                          GrpcMemberDirectory members, CommentReadUsecase reads, CommentUsecase writes,
                          SubjectCountFeed counts) {
        this.shards = shards;
        this.heat = heat;
        this.store = store;
        this.repo = repo;
        this.cache = cache;
        this.events = events;
        this.members = members;
        this.reads = reads;
        this.writes = writes;
        this.counts = counts;
        this.grpc = new CommentGrpcService(writes, reads);
    }

    /**
     * Opens (and migrates) the comment databases, makes sure the event topic exists and builds the use cases.
     * {@code redis}, the stubs and {@code producer} are shared and not closed here.
     */
    public static CommentServer create(CommentConfig cfg, Redis redis, AccountGrpc.AccountBlockingStub account,
                                       ArchiveGrpc.ArchiveBlockingStub archive, MqProducer producer,
                                       KafkaConfig kafka, MeterRegistry meters, Clock clock) {
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        CommentShards shards = CommentShards.open(cfg.db(), registry);
        HotKeyDetector heat = subjectHeat(registry);
        try {
            ShardedCommentStore store = new ShardedCommentStore(shards, clock);
            ShardedCommentReadRepo repo = new ShardedCommentReadRepo(shards);
            RedisCommentCache cache = new RedisCommentCache(redis, RedisCommentCache.Settings.defaults());
            CommentEvents events = KafkaCommentEvents.create(producer, kafka, cfg.eventPartitions());
            GrpcMemberDirectory members = new GrpcMemberDirectory(account, redis, cfg.rpcTimeout(), cfg.memberTtl());
            CommentReadUsecase reads = new CommentReadUsecase(cache, repo, events,
                    new GrpcSubjectDirectory(archive, cfg.rpcTimeout(), cfg.ownerTtl()),
                    heat, CommentReadUsecase.Settings.defaults(), clock);
            CommentConfig.Limits limits = cfg.limits();
            CommentUsecase writes = new CommentUsecase(reads, repo, events, new Mentions(members),
                    cfg.sensitive().filter(),
                    new RedisWriteLimiter(redis, "post", limits.posts(), limits.window()),
                    new RedisWriteLimiter(redis, "action", limits.actions(), limits.window()),
                    RedisSubjectPostQuota.of(redis, limits.perSubjectRate(), limits.perSubjectBurst(), registry),
                    new RedisDuplicateGuard(redis, limits.duplicateWindow()), new Snowflake(cfg.workerId()), clock);
            readMeters(reads, registry);
            heat.start(); // fades the counts while no reads come, so an idle instance's hot set empties too
            SubjectCountFeed counts = producer == null ? SubjectCountFeed.NONE
                    : new KafkaSubjectCountFeed(producer, clock);
            return new CommentServer(shards, heat, store, repo, cache, events, members, reads, writes, counts);
        } catch (RuntimeException e) {
            heat.close();
            shards.close();
            throw e;
        }
    }

    /**
     * Which subjects' comment lists are hot on this instance: among the 32 most read, those with a count of at least
     * 50, counts halving every 10 s. A subject read 50 times per window is always hot, one read fewer than 25 times
     * never (HotSubjects' old numbers). Not started here; meters {@code plaza_hotkey_*{cache="comment.subject"}}.
     */
    public static HotKeyDetector subjectHeat(MeterRegistry meters) {
        return new HotKeyDetector("comment.subject", new HeavyKeeper(HeavyKeeper.Settings.forTopK(32)),
                new HotKeyDetector.Settings(50, Duration.ofSeconds(10)), meters);
    }

    /** The read path's counters as Prometheus counters ({@code comment_read_*_total}). */
    private static void readMeters(CommentReadUsecase reads, MeterRegistry meters) {
        FunctionCounter.builder("comment.read.rebuilds", reads, r -> r.stats().rebuildsPublished())
                .description("index rebuilds asked of the job after a cache miss").register(meters);
        FunctionCounter.builder("comment.read.table.pages", reads, r -> r.stats().tablePageReads())
                .description("pages read from MariaDB (cache missing, or past the cached prefix)").register(meters);
        FunctionCounter.builder("comment.read.local.hits", reads, r -> r.stats().localHits())
                .description("pages of hot subjects served from the in-process cache").register(meters);
        FunctionCounter.builder("comment.read.cache.errors", reads, r -> r.stats().cacheErrors())
                .description("Redis failures on the read path (answered from the tables)").register(meters);
    }

    /** The comment service (gRPC). */
    public BindableService grpcService() {
        return grpc;
    }

    /** The interface role's routes ({@code /x/v2/reply*}), calling the service through {@code service}. */
    public HttpRoutes httpRoutes(CommentGrpc.CommentBlockingStub service) {
        return new CommentHttpRoutes(service, members);
    }

    /** The job role over these tables and this cache; the caller starts and closes it. */
    public CommentJob job(KafkaConfig kafka, CommentJob.Settings settings, MeterRegistry meters, OpenTelemetry otel) {
        return CommentJob.create(store, repo, cache, counts, kafka, settings, meters, otel);
    }

    /** The pools, for the admin role of the same process. */
    public CommentShards shards() {
        return shards;
    }

    /** The event publisher, for the admin role of the same process. */
    public CommentEvents events() {
        return events;
    }

    public CommentReadUsecase reads() {
        return reads;
    }

    public CommentUsecase writes() {
        return writes;
    }

    /** For readiness checks: every comment database answers. */
    public boolean isHealthy() {
        return shards.databases().stream().allMatch(Database::isHealthy);
    }

    /** Stops the hot-subject detector and closes the database pools. */
    @Override
    public void close() {
        heat.close();
        shards.close();
    }
}
