package dev.plaza.standalone;

import dev.plaza.account.biz.User;
import dev.plaza.account.client.AccountAuthenticator;
import dev.plaza.account.server.AccountConfig;
import dev.plaza.account.server.AccountServer;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.comment.v1.CommentGrpc;
import dev.plaza.api.history.v1.HistoryGrpc;
import dev.plaza.archive.server.ArchiveConfig;
import dev.plaza.archive.server.ArchiveServer;
import dev.plaza.comment.admin.server.AdminServer;
import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.job.CommentJob;
import dev.plaza.comment.server.CommentConfig;
import dev.plaza.comment.server.CommentServer;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Engines;
import dev.plaza.history.data.db.HistoryDbConfig;
import dev.plaza.im.pm.data.db.PmDbConfig;
import dev.plaza.im.server.ImConfig;
import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.limit.CpuUsage;
import dev.plaza.kit.limit.KeyedRateLimiter;
import dev.plaza.kit.limit.LimiterMetrics;
import dev.plaza.kit.rpc.Fallback;
import dev.plaza.history.job.HistoryJob;
import dev.plaza.history.server.HistoryConfig;
import dev.plaza.history.server.HistoryServer;
import dev.plaza.im.server.ImServer;
import dev.plaza.kit.text.SensitiveFilter;
import dev.plaza.kit.app.App;
import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.metrics.Metrics;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import dev.plaza.kit.trace.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one role: engines, then account, archive and the comment roles (service, job, admin), then the HTTP edge, each a {@link Lifecycle} of one
 * {@link App} so they stop in reverse. gRPC between the systems runs in-process with the same interceptors as over
 * the network.
 */
public final class Standalone {
    private static final Logger log = LoggerFactory.getLogger(Standalone.class);
    static final String IN_PROCESS = "plaza-standalone";
    /** How long the edge keeps a resolved session: a role change (or a logout elsewhere) shows within this. */
    static final Duration SESSION_CACHE_TTL = Duration.ofSeconds(5);

    private final StandaloneConfig cfg;
    private final Path home;
    private final Clock clock = Clock.systemUTC();
    private final PrometheusMeterRegistry meters;
    private final Tracing tracing;
    private final App app;

    private Engines engines;
    private Endpoints endpoints;
    private Redis redis;
    private AccountServer account;
    private ArchiveServer archive;
    private MqProducer producer;
    private CpuUsage cpu;
    private CommentServer comment;
    private CommentJob commentJob;
    private AdminServer commentAdmin;
    private HistoryServer history;
    private HistoryJob historyJob;
    private ImServer im;
    private RpcServer rpc;
    private RpcClient channel;
    private HttpEdge edge;
    private long startedNanos;

    public Standalone(StandaloneConfig cfg, Path home) {
        this.cfg = cfg;
        this.home = home;
        this.meters = Metrics.create("plaza");
        this.tracing = Tracing.create(cfg.trace(), "plaza");
        this.app = App.builder("plaza")
                // first in, last out: spans of the shutdown itself still get exported
                .add("telemetry", Lifecycle.of("telemetry", () -> { }, tracing::close))
                .add("engines", Lifecycle.of("engines", this::startEngines, this::stopEngines))
                .add("redis", Lifecycle.of("redis", this::connectRedis, () -> close(redis)))
                .add("account", Lifecycle.of("account", this::startAccount, () -> close(account)))
                .add("rpc-channel", Lifecycle.of("rpc-channel", this::openChannel, this::closeChannel))
                .add("archive", Lifecycle.of("archive", this::startArchive, () -> close(archive)))
                .add("kafka-producer", Lifecycle.of("kafka-producer", this::openProducer, () -> close(producer)))
                .add("comment", Lifecycle.of("comment", this::startComment, () -> close(comment)))
                // stops before the producer: the merger's last flush goes through it
                .add("history", Lifecycle.of("history", this::startHistory, () -> close(history)))
                .add("im", Lifecycle.of("im", this::startIm, () -> close(im)))
                .add("rpc-server", Lifecycle.of("rpc-server", this::startRpc, () -> close(rpc)))
                // after the gRPC server: the comet's auth calls logic through it
                .add("im-comet", Lifecycle.of("im-comet", () -> ifIm(ImServer::startComet),
                        () -> ifIm(ImServer::stopComet)))
                .add("im-job", Lifecycle.of("im-job", () -> ifIm(ImServer::startJob), () -> ifIm(ImServer::stopJob)))
                .add("history-job", Lifecycle.of("history-job", this::startHistoryJob, () -> close(historyJob)))
                .add("comment-job", Lifecycle.of("comment-job", this::startCommentJob, () -> close(commentJob)))
                .add("comment-admin", Lifecycle.of("comment-admin", this::startCommentAdmin,
                        () -> close(commentAdmin)))
                .add("demo", Lifecycle.of("demo", this::seedDemo, () -> { }))
                .add("cpu", Lifecycle.of("cpu", this::startCpu, () -> close(cpu)))
                .add("http", Lifecycle.of("http", this::startHttp, () -> close(edge)))
                .shutdownTimeout(Duration.ofSeconds(30))
                .build();
    }

    public void start() throws Exception {
        startedNanos = System.nanoTime();
        app.installShutdownHook();
        app.start();
    }

    public void stop() {
        app.stop();
    }

    public void awaitShutdown() {
        try {
            app.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int httpPort() {
        return edge.port();
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public AccountServer account() {
        return account;
    }

    public CommentServer comment() {
        return comment;
    }

    public HistoryServer history() {
        return history;
    }

    /** The comment admin role, when it runs in this process. */
    public AdminServer commentAdmin() {
        return commentAdmin;
    }

    public void printBanner(PrintStream out) {
        String base = "http://" + cfg.http().host() + ":" + edge.port();
        out.printf("%nPlaza is up in %.1f s%n", (System.nanoTime() - startedNanos) / 1e9);
        out.println("  API        " + base + "/x/web-interface/nav");
        out.println("  health     " + base + "/health/ready");
        out.println("  metrics    " + base + "/metrics");
        if (engines != null) {
            out.println("  data       " + dataDir());
            out.println("  MariaDB    " + endpoints.mariadbHost() + ":" + endpoints.mariadbPort()
                    + "   Redis " + endpoints.redisUri() + "   Kafka " + nullToDash(endpoints.kafkaBootstrap()));
        }
        if (cfg.demo().enabled()) {
            out.println("  demo users alice, bob, admin (admin role); password: " + cfg.demo().password());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    private void startEngines() throws Exception {
        if (!cfg.engines().embedded()) {
            return;
        }
        Set<EngineKind> kinds = EnumSet.noneOf(EngineKind.class);
        for (String k : cfg.engines().kinds()) {
            try {
                kinds.add(EngineKind.valueOf(k.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad value for 'engines.kinds': unknown engine '" + k + "'");
            }
        }
        log.info("starting embedded engines {} with data under {}", kinds, dataDir());
        engines = Engines.start(dataDir(), kinds);
        endpoints = engines.endpoints();
    }

    private void stopEngines() {
        if (engines != null) {
            engines.close();
        }
    }

    private Path dataDir() {
        Path p = Path.of(cfg.engines().dataDir());
        return p.isAbsolute() ? p : home.resolve(p);
    }

    private void connectRedis() {
        RedisConfig rc = endpoints == null ? cfg.redis() : new RedisConfig(endpoints.redisUri(), cfg.redis().timeout());
        redis = Redis.connect(rc);
    }

    /** Embedded engines replace the configured addresses; the database name stays the configured one. */
    private DbConfig db(DbConfig configured) {
        if (endpoints == null) {
            return configured;
        }
        String url = configured.jdbcUrl();
        String path = url.substring(url.indexOf("//") + 2);
        String database = path.contains("/") ? path.substring(path.indexOf('/') + 1) : "plaza";
        int q = database.indexOf('?');
        database = q < 0 ? database : database.substring(0, q);
        return new DbConfig(endpoints.jdbcUrl(database), endpoints.mariadbUser(), endpoints.mariadbPassword(),
                configured.maxPoolSize(), configured.connectionTimeout());
    }

    private String kafkaBootstrap() {
        if (endpoints != null) {
            return endpoints.kafkaBootstrap();
        }
        return cfg.kafka().bootstrap();
    }

    private void startAccount() {
        AccountConfig ac = cfg.account();
        account = AccountServer.create(new AccountConfig(db(ac.db()), ac.bcryptCost(), ac.sessionTtl(),
                ac.defaultFace(), ac.maxFailuresPerUser(), ac.maxFailuresPerIp(), ac.failureWindow()),
                redis, meters, clock);
    }

    /** A channel may name an in-process server that starts later; nothing calls through it before then. */
    private void openChannel() {
        RpcChannels.Builder b = RpcChannels.builder("plaza-standalone")
                .meterRegistry(meters)
                .openTelemetry(tracing.openTelemetry())
                .defaultTimeout(cfg.grpc().defaultTimeout());
        cfg.grpc().methodTimeouts().forEach(t -> b.methodTimeout(t.method(), t.timeout()));
        Map<String, Fallback> fallbacks = new LinkedHashMap<>();
        cfg.grpc().fallbacks().forEach(f -> fallbacks.put(f.method(), f.fallback()));
        channel = b.fallbacks(fallbacks).build().inProcess(IN_PROCESS);
    }

    private void closeChannel() {
        channel.close();
    }

    private void startRpc() throws Exception {
        RpcServer.Builder b = RpcServer.builder("plaza")
                .inProcess(IN_PROCESS)
                .addService(account.grpcService())
                .addService(archive.grpcService())
                .addService(comment.grpcService())
                .addService(history.grpcService())
                .meterRegistry(meters)
                .openTelemetry(tracing.openTelemetry())
                .defaultTimeout(cfg.grpc().defaultTimeout());
        cfg.grpc().methodTimeouts().forEach(t -> b.methodTimeout(t.method(), t.timeout()));
        if (im != null) {
            im.grpcServices().forEach(b::addService);
        }
        if (cfg.grpc().port() > 0) {
            b.port(cfg.grpc().port());
        }
        rpc = b.build();
        rpc.start();
    }

    private void startArchive() {
        ArchiveConfig ac = cfg.archive();
        archive = ArchiveServer.create(new ArchiveConfig(db(ac.db()), ac.accountTimeout(), ac.eventPartitions(),
                        ac.relayPollInterval(), ac.relayBatchSize()), redis, AccountGrpc.newBlockingStub(channel),
                kafkaBootstrap(), meters, clock);
        archive.start();
    }

    /** One producer for every system of the process (it batches, and its threads and buffers are per instance). */
    private void openProducer() {
        producer = MqProducer.create(KafkaConfig.of(kafkaBootstrap(), "plaza"), meters, tracing.openTelemetry());
    }

    private void startComment() {
        KafkaConfig kafka = KafkaConfig.of(kafkaBootstrap(), "plaza-comment");
        CommentConfig cc = cfg.comment();
        CommentDbConfig dbs = commentDb(cc.db());
        comment = CommentServer.create(new CommentConfig(dbs, cc.workerId(), cc.eventPartitions(), cc.rpcTimeout(),
                        cc.ownerTtl(), cc.memberTtl(), cc.limits(), cc.sensitive(), cc.job(), cc.admin()), redis,
                AccountGrpc.newBlockingStub(channel), ArchiveGrpc.newBlockingStub(channel), producer, kafka,
                meters, clock);
    }

    /** Each configured comment database, pointed at the embedded server when engines are embedded. */
    private CommentDbConfig commentDb(CommentDbConfig configured) {
        return new CommentDbConfig(configured.databases().stream().map(this::db).toList(), configured.subjectTables(),
                configured.indexTables(), configured.contentTables(), configured.actionTables());
    }

    private void startCommentJob() {
        CommentConfig cc = cfg.comment();
        if (!cc.job().enabled()) {
            return;
        }
        commentJob = comment.job(KafkaConfig.of(kafkaBootstrap(), "plaza-comment-job"),
                cc.job().settings(cc.eventPartitions()), meters, tracing.openTelemetry());
        commentJob.start();
    }

    /** Needs a search cluster: the embedded one, or {@code opensearch.url} when engines are external. */
    private void startCommentAdmin() {
        CommentConfig cc = cfg.comment();
        String url = endpoints != null ? endpoints.opensearchUrl() : cfg.opensearch().url();
        if (!cc.admin().enabled()) {
            return;
        }
        if (url == null || url.isBlank()) {
            log.warn("comment admin disabled: no OpenSearch (start the OPENSEARCH engine or set opensearch.url)");
            return;
        }
        commentAdmin = AdminServer.create(cc.admin().config(commentDb(cc.db()), url, dataDir().resolve("comment-admin")),
                comment.shards(), comment.events(), meters, clock);
        commentAdmin.start();
    }

    private void startHistory() {
        KafkaConfig kafka = KafkaConfig.of(kafkaBootstrap(), "plaza-history");
        HistoryConfig hc = cfg.history();
        HistoryDbConfig dbs = new HistoryDbConfig(hc.db().databases().stream().map(this::db).toList(),
                hc.db().tables());
        history = HistoryServer.create(new HistoryConfig(dbs, hc.cap(), hc.cacheTtl(), hc.flushInterval(),
                hc.maxPending(), hc.regions(), hc.flushPartitions(), hc.retention(), hc.cleanupInterval(),
                hc.rpcTimeout(), hc.zone(), hc.job()), redis, producer, kafka, meters, clock);
        history.start();
    }

    private void startIm() {
        if (!cfg.im().enabled()) {
            return;
        }
        // danmaku are held to the comment system's word list, as REJECT
        SensitiveFilter words = cfg.comment().sensitive().filter(SensitiveFilter.Mode.REJECT);
        ImConfig ic = cfg.im();
        PmDbConfig pmDb = ic.pm().db();
        ic = ic.withPm(ic.pm().withDb(new PmDbConfig(pmDb.databases().stream().map(this::db).toList(),
                pmDb.tables())));
        im = ImServer.create(ic, redis, producer, kafkaBootstrap(), channel, words, meters,
                tracing.openTelemetry(), clock);
        im.startLogic();
    }

    private void ifIm(java.util.function.Consumer<ImServer> step) {
        if (im != null) {
            step.accept(im);
        }
    }

    public ImServer im() {
        return im;
    }

    private void startHistoryJob() {
        if (!cfg.history().job().enabled()) {
            return;
        }
        historyJob = history.job(KafkaConfig.of(kafkaBootstrap(), "plaza-history-job"), meters,
                tracing.openTelemetry());
        historyJob.start();
    }

    private void seedDemo() {
        if (!cfg.demo().enabled() || account.usecase().userCount() > 0) {
            return;
        }
        String pw = cfg.demo().password();
        User alice = account.usecase().register("alice", pw);
        account.usecase().register("bob", pw);
        account.usecase().register("admin", pw, true);
        archive.usecase().seedDemo(alice.mid());
        log.info("seeded demo users alice, bob, admin and demo videos");
    }

    /** The process's CPU usage (cgroup quota or the OS), sampled for the limiter. */
    private void startCpu() {
        if (!cfg.limiter().enabled()) {
            return;
        }
        cpu = CpuUsage.detect();
        cpu.start();
    }

    private void startHttp() {
        // sessions resolved once per few seconds, not per request; a logout here drops its token at once
        AccountAuthenticator sessions = new AccountAuthenticator(AccountGrpc.newBlockingStub(channel),
                SESSION_CACHE_TTL, clock);
        account.onLogout(sessions::forget);
        HttpEdge.Builder b = HttpEdge.builder(cfg.http())
                .meterRegistry(meters)
                .metricsScrape(() -> Metrics.scrape(meters))
                .openTelemetry(tracing.openTelemetry())
                .authenticator(sessions)
                .routes(account.httpRoutes())
                .routes(archive.httpRoutes())
                .routes(comment.httpRoutes(CommentGrpc.newBlockingStub(channel)))
                .routes(im != null ? im.httpRoutes() : registry -> { })
                .routes(history.httpRoutes(HistoryGrpc.newBlockingStub(channel), ArchiveGrpc.newBlockingStub(channel),
                        AccountGrpc.newBlockingStub(channel)))
                .readiness("account-db", account.database()::isHealthy)
                .readiness("archive-db", archive.database()::isHealthy)
                .readiness("comment-db", comment::isHealthy)
                .readiness("history-db", history::isHealthy)
                .readiness("redis", redis::isHealthy);
        if (commentAdmin != null) {
            b.routes(commentAdmin.httpRoutes());
        }
        StandaloneConfig.RateLimit rl = cfg.rateLimit();
        b.rateLimits(rl.perIpRate() > 0 ? new KeyedRateLimiter("ip", rl.perIpRate(), rl.perIpBurst(), rl.idle(),
                        rl.maxKeys(), System::nanoTime, meters) : null,
                rl.perUserRate() > 0 ? new KeyedRateLimiter("user", rl.perUserRate(), rl.perUserBurst(), rl.idle(),
                        rl.maxKeys(), System::nanoTime, meters) : null);
        if (cpu != null) {
            // at the edge only: in one process every gRPC call comes from an admitted HTTP request, and shedding it
            // again inside would waste the work already done
            BbrLimiter limiter = BbrLimiter.builder("http", cpu).config(cfg.limiter()).build();
            LimiterMetrics.bind(limiter, meters);
            b.limiter(limiter);
        }
        edge = b.build();
        edge.start();
    }

    private static void close(AutoCloseable c) throws Exception {
        if (c != null) {
            c.close();
        }
    }

    private static String nullToDash(String s) {
        return s == null ? "-" : s;
    }

}
