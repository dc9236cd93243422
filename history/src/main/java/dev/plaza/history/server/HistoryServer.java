package dev.plaza.history.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.history.v1.HistoryGrpc;
import dev.plaza.history.biz.HistoryMerger;
import dev.plaza.history.biz.HistoryUsecase;
import dev.plaza.history.biz.HotHistoryPages;
import dev.plaza.history.data.db.HistoryRetention;
import dev.plaza.history.data.db.HistoryShards;
import dev.plaza.history.data.db.ShardedHistoryStore;
import dev.plaza.history.data.mq.KafkaFirstViewEvents;
import dev.plaza.history.data.mq.KafkaFlushSink;
import dev.plaza.history.data.redis.CoalescingHistoryCache;
import dev.plaza.history.data.redis.RedisFirstViewGate;
import dev.plaza.history.data.redis.RedisHistoryCache;
import dev.plaza.history.data.redis.RedisPauseSwitch;
import dev.plaza.history.job.HistoryJob;
import dev.plaza.history.job.HistoryJobUsecase;
import dev.plaza.history.service.HistoryGrpcService;
import dev.plaza.history.service.HistoryHttpRoutes;
import dev.plaza.kit.hotkey.HeavyKeeper;
import dev.plaza.kit.hotkey.HotKeyDetector;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import io.grpc.BindableService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wires the history system by hand: data (Redis, the sharded store, Kafka) -> biz (merger, use cases) -> service
 * (gRPC) and interface (HTTP routes over gRPC stubs); it also makes the job. Between {@link #start()} and
 * {@link #close()} the merger flushes and the retention purge runs. The host owns Redis, the producer and the stubs;
 * this server owns the pools and the hot-user detector.
 */
public final class HistoryServer implements AutoCloseable {
    private final HistoryConfig cfg;
    private final HistoryShards shards;
    private final HotKeyDetector heat;
    private final ShardedHistoryStore store;
    private final CoalescingHistoryCache cache;
    private final HistoryMerger merger;
    private final HistoryUsecase usecase;
    private final HistoryRetention retention;
    private final HistoryGrpcService grpc;
    private final List<HistoryHttpRoutes> routes = new CopyOnWriteArrayList<>();

    private HistoryServer(HistoryConfig cfg, HistoryShards shards, HotKeyDetector heat, ShardedHistoryStore store,
                          CoalescingHistoryCache cache,
                          HistoryMerger merger, HistoryUsecase usecase, HistoryRetention retention) {
        this.cfg = cfg;
        this.shards = shards;
        this.heat = heat;
        this.store = store;
        this.cache = cache;
        this.merger = merger;
        this.usecase = usecase;
        this.retention = retention;
        this.grpc = new HistoryGrpcService(usecase);
    }

    /** Opens (and migrates) the store, makes sure the topics exist, builds the use cases. */
    public static HistoryServer create(HistoryConfig cfg, Redis redis, MqProducer producer, KafkaConfig kafka,
                                       MeterRegistry meters, Clock clock) {
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        HistoryShards shards = HistoryShards.open(cfg.db(), registry);
        HotKeyDetector heat = midHeat(cfg.hot(), registry);
        try {
            ShardedHistoryStore store = new ShardedHistoryStore(shards);
            CoalescingHistoryCache cache = new CoalescingHistoryCache(new RedisHistoryCache(redis,
                    new RedisHistoryCache.Settings(cfg.cap(), cfg.cacheTtl())));
            HistoryMerger merger = new HistoryMerger(KafkaFlushSink.create(producer, kafka, cfg.flushPartitions()),
                    new HistoryMerger.Settings(cfg.flushInterval(), cfg.maxPending(), cfg.regions(), 1000));
            HotHistoryPages hot = new HotHistoryPages(heat,
                    new HotHistoryPages.Settings(cfg.hot().ttl(), cfg.hot().maxPages()));
            HistoryUsecase usecase = new HistoryUsecase(cache, store, new RedisPauseSwitch(redis),
                    new RedisFirstViewGate(redis),
                    KafkaFirstViewEvents.create(producer, kafka, cfg.flushPartitions(), cfg.zoneId()), merger,
                    hot, clock, cfg.zoneId());
            HistoryRetention retention = new HistoryRetention(store, clock,
                    new HistoryRetention.Settings(cfg.cleanupInterval(), cfg.retention(),
                            HistoryRetention.Settings.defaults().batch()), registry);
            meters(merger, cache, hot, registry);
            return new HistoryServer(cfg, shards, heat, store, cache, merger, usecase, retention);
        } catch (RuntimeException e) {
            heat.close();
            shards.close();
            throw e;
        }
    }

    /**
     * Which users' history lists are hot on this instance ({@link HistoryConfig.Hot}). Not started here; meters
     * {@code plaza_hotkey_*{cache="history.mid"}}, apart from comment's {@code comment.subject}.
     */
    static HotKeyDetector midHeat(HistoryConfig.Hot hot, MeterRegistry meters) {
        return new HotKeyDetector("history.mid", new HeavyKeeper(HeavyKeeper.Settings.forTopK(hot.topK())),
                new HotKeyDetector.Settings(hot.minCount(), hot.window()), meters);
    }

    private static void meters(HistoryMerger merger, CoalescingHistoryCache cache, HotHistoryPages hot,
                               MeterRegistry meters) {
        FunctionCounter.builder("history.list.local.hits", hot, h -> h.stats().hits())
                .description("first pages of hot users served from the in-process cache").register(meters);
        FunctionCounter.builder("history.list.local.loads", hot, h -> h.stats().hotLoads())
                .description("first pages of hot users loaded into the in-process cache").register(meters);
        FunctionCounter.builder("history.cache.write.batches", cache, c -> c.stats().batches())
                .description("pipelined Redis batches the reports were written in").register(meters);
        FunctionCounter.builder("history.cache.write.reports", cache, c -> c.stats().items())
                .description("reports written to Redis (per batch: reports / batches)").register(meters);
        FunctionCounter.builder("history.cache.write.refused", cache, c -> c.stats().refused())
                .description("reports refused (-503) because too many waited for Redis").register(meters);
        FunctionCounter.builder("history.reports", merger, m -> m.stats().offered()).tag("result", "accepted")
                .description("play reports taken by the merger").register(meters);
        FunctionCounter.builder("history.reports", merger, m -> m.stats().refused()).tag("result", "refused")
                .description("play reports taken by the merger").register(meters);
        FunctionCounter.builder("history.flushed.records", merger, m -> m.stats().recordsOut())
                .description("merged records sent to the job").register(meters);
        FunctionCounter.builder("history.flushed.messages", merger, m -> m.stats().messagesOut())
                .description("flush messages sent to the job").register(meters);
        FunctionCounter.builder("history.flush.failures", merger, m -> m.stats().failedFlushes())
                .description("flushes the broker refused (their records stay pending)").register(meters);
        Gauge.builder("history.pending", merger, HistoryMerger::pending)
                .description("merged keys waiting for the next flush").register(meters);
    }

    /** Starts the merger's flushes, the retention purge and the hot-user fading while no reads come. */
    public void start() {
        heat.start();
        cache.start();
        merger.start();
        retention.start();
    }

    public BindableService grpcService() {
        return grpc;
    }

    /** The interface role's routes over the service's stub, started; closed with this server. */
    public HttpRoutes httpRoutes(HistoryGrpc.HistoryBlockingStub history, ArchiveGrpc.ArchiveBlockingStub archive,
                                 AccountGrpc.AccountBlockingStub account) {
        HistoryHttpRoutes r = new HistoryHttpRoutes(history, archive, account, cfg.rpcTimeout());
        r.start();
        routes.add(r);
        return r;
    }

    /** The job role over this store and cache; the caller starts and closes it. */
    public HistoryJob job(KafkaConfig kafka, MeterRegistry meters, OpenTelemetry otel) {
        HistoryConfig.Job j = cfg.job();
        return new HistoryJob(new HistoryJobUsecase(cache, store, meters), kafka,
                new HistoryJob.Settings(cfg.flushPartitions(), j.maxPollRecords(), j.concurrency()), meters, otel);
    }

    public HistoryUsecase usecase() {
        return usecase;
    }

    public HistoryMerger merger() {
        return merger;
    }

    public ShardedHistoryStore store() {
        return store;
    }

    public boolean isHealthy() {
        return shards.isHealthy();
    }

    /**
     * Flushes what the merger holds (a clean stop loses no report), stops the purge and the hot-user detector,
     * closes the pools.
     */
    @Override
    public void close() {
        try {
            routes.forEach(HistoryHttpRoutes::close);
            cache.close();
            merger.close(Duration.ofSeconds(10));
        } finally {
            try {
                retention.close();
            } finally {
                try {
                    heat.close();
                } finally {
                    shards.close();
                }
            }
        }
    }
}
