package dev.plaza.standalone;

import dev.plaza.account.biz.User;
import dev.plaza.account.client.AccountAuthenticator;
import dev.plaza.account.server.AccountConfig;
import dev.plaza.account.server.AccountServer;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.comment.v1.CommentGrpc;
import dev.plaza.api.history.v1.HistoryGrpc;
import dev.plaza.api.im.v1.CometGrpc;
import dev.plaza.im.job.CometDirectory;
import dev.plaza.im.job.DiscoveredCometDirectory;
import dev.plaza.im.job.StaticCometDirectory;
import dev.plaza.kit.discovery.DiscoveryNameResolverProvider;
import dev.plaza.kit.discovery.ServiceInstance;
import dev.plaza.kit.discovery.ServiceRegistry;
import dev.plaza.kit.discovery.ServiceWatcher;
import dev.plaza.kit.id.WorkerIdLease;
import dev.plaza.kit.rpc.ServiceChannels;
import io.grpc.BindableService;
import io.grpc.NameResolverRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
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
import dev.plaza.kit.http.WebApp;
import dev.plaza.kit.metrics.Metrics;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import dev.plaza.kit.rpc.RpcChannels;
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
 * A Plaza process: the roles it runs ({@link Role}), each step a {@link Lifecycle} of one {@link App} so they stop in
 * reverse. {@code ./plaza up} runs every role with the embedded engines in one JVM, gRPC between the systems in
 * process with the same interceptors as over the network. {@code ./plaza run <role>} runs one role against
 * external engines: it serves its gRPC services on a port, registers them in ZooKeeper, and reaches the services
 * it depends on through {@code discovery:///<service>} channels balanced by P2C + EWMA.
 */
public final class Standalone {
    private static final Logger log = LoggerFactory.getLogger(Standalone.class);
    static final String IN_PROCESS = "plaza-standalone";
    /** The web front end's files on the class path (module {@code web}) and its page paths. */
    static final String WEB_ROOT = "plaza/web";
    static final List<String> WEB_PAGES = List.of("/", "/video/{aid}", "/history", "/messages", "/upload",
            "/admin");
    /** How long the edge keeps a resolved session: a role change (or a logout elsewhere) shows within this. */
    static final Duration SESSION_CACHE_TTL = Duration.ofSeconds(5);

    private final StandaloneConfig cfg;
    private final Path home;
    private final Set<Role> roles;
    /** One role per process, over the network; false: every role in this JVM, in process. */
    private final boolean distributed;
    /** The process's name in metrics, traces, logs and its gRPC server: {@code plaza} or {@code plaza-<role>}. */
    private final String name;
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
    private ServiceChannels channels;
    private CuratorFramework zk;
    private DiscoveryNameResolverProvider discovery;
    private ServiceRegistry registry;
    private DiscoveredCometDirectory discoveredComets;
    private final List<WorkerIdLease> leases = new ArrayList<>();
    private HttpEdge edge;
    private long startedNanos;

    /** Every role in this JVM with in-process gRPC ({@code ./plaza up}). */
    public Standalone(StandaloneConfig cfg, Path home) {
        this(cfg, home, Role.all(), false);
    }

    /**
     * @param roles       what this process runs
     * @param distributed serve gRPC on the network, register in ZooKeeper and find the other roles there; the
     *                    engines are external
     */
    public Standalone(StandaloneConfig cfg, Path home, Set<Role> roles, boolean distributed) {
        this.cfg = cfg;
        this.home = home;
        this.roles = EnumSet.copyOf(roles);
        this.distributed = distributed;
        this.name = distributed ? "plaza-" + roles.iterator().next().cliName() : "plaza";
        this.meters = Metrics.create(name);
        this.tracing = Tracing.create(cfg.trace(), name);
        this.app = App.builder(name)
                // first in, last out: spans of the shutdown itself still get exported
                .add("telemetry", Lifecycle.of("telemetry", () -> { }, tracing::close))
                .add("engines", Lifecycle.of("engines", this::startEngines, this::stopEngines))
                .add("discovery", Lifecycle.of("discovery", this::connectZooKeeper, this::closeZooKeeper))
                .add("redis", Lifecycle.of("redis", this::connectRedis, () -> close(redis)))
                .add("account", Lifecycle.of("account", this::startAccount, () -> close(account)))
                .add("rpc-channel", Lifecycle.of("rpc-channel", this::openChannel, this::closeChannel))
                .add("archive", Lifecycle.of("archive", this::startArchive, () -> close(archive)))
                .add("kafka-producer", Lifecycle.of("kafka-producer", this::openProducer, () -> close(producer)))
                .add("comment", Lifecycle.of("comment", this::startComment, () -> close(comment)))
                // stops before the producer: the merger's last flush goes through it
                .add("history", Lifecycle.of("history", this::startHistory, () -> close(history)))
                .add("im", Lifecycle.of("im", this::startIm, this::closeIm))
                .add("rpc-server", Lifecycle.of("rpc-server", this::startRpc, () -> close(rpc)))
                // listed once serving, unlisted first on the way down: callers stop sending before the server drains
                .add("register", Lifecycle.of("register", this::register, this::leave))
                // after the gRPC server: the comet's auth calls logic through it
                .add("im-comet", Lifecycle.of("im-comet", () -> ifIm(Role.IM_COMET, ImServer::startComet),
                        () -> ifIm(Role.IM_COMET, ImServer::stopComet)))
                .add("im-job", Lifecycle.of("im-job", () -> ifIm(Role.IM_JOB, ImServer::startJob),
                        () -> ifIm(Role.IM_JOB, ImServer::stopJob)))
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
        out.printf("%n%s is up in %.1f s%n", distributed ? name.replace("plaza-", "Plaza ") : "Plaza",
                (System.nanoTime() - startedNanos) / 1e9);
        if (account != null) {
            out.println("  API        " + base + "/x/web-interface/nav");
        }
        if (!distributed && cfg.web().enabled()) {
            out.println("  web        " + base + "/");
        }
        out.println("  health     " + base + "/health/ready");
        out.println("  metrics    " + base + "/metrics");
        if (distributed && rpc != null) {
            out.println("  gRPC       " + cfg.discovery().host() + ":" + rpc.port() + "   registered in ZooKeeper "
                    + cfg.discovery().zookeeper());
        }
        if (engines != null) {
            out.println("  data       " + dataDir());
            out.println("  MariaDB    " + endpoints.mariadbHost() + ":" + endpoints.mariadbPort()
                    + "   Redis " + endpoints.redisUri() + "   Kafka " + nullToDash(endpoints.kafkaBootstrap()));
        }
        if (cfg.demo().enabled() && account != null && archive != null) {
            out.println("  demo users alice, bob, admin (admin role); password: " + cfg.demo().password());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /** The gRPC port when served over the network. */
    public int grpcPort() {
        return rpc.port();
    }

    private boolean runs(Role... any) {
        for (Role r : any) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }

    private boolean runsIm() {
        return cfg.im().enabled() && runs(Role.IM_LOGIC, Role.IM_COMET, Role.IM_JOB);
    }

    private void startEngines() throws Exception {
        if (distributed || !cfg.engines().embedded()) {
            return;
        }
        engines = Engines.start(dataDir(), engineKinds(cfg));
        endpoints = engines.endpoints();
    }

    /** The engines {@code engines.kinds} names. */
    static Set<EngineKind> engineKinds(StandaloneConfig cfg) {
        Set<EngineKind> kinds = EnumSet.noneOf(EngineKind.class);
        for (String k : cfg.engines().kinds()) {
            try {
                kinds.add(EngineKind.valueOf(k.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad value for 'engines.kinds': unknown engine '" + k + "'");
            }
        }
        return kinds;
    }

    private void stopEngines() {
        if (engines != null) {
            engines.close();
        }
    }

    private Path dataDir() {
        return dataDir(cfg, home);
    }

    static Path dataDir(StandaloneConfig cfg, Path home) {
        Path p = Path.of(cfg.engines().dataDir());
        return p.isAbsolute() ? p : home.resolve(p);
    }

    /** A role process finds the others, and leases its snowflake worker ids, in ZooKeeper. */
    private void connectZooKeeper() throws InterruptedException {
        if (!distributed) {
            return;
        }
        StandaloneConfig.Discovery d = cfg.discovery();
        zk = CuratorFrameworkFactory.builder().connectString(d.zookeeper())
                .sessionTimeoutMs((int) d.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) d.timeout().toMillis())
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000)).build();
        zk.start();
        if (!zk.blockUntilConnected((int) d.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("ZooKeeper at '" + d.zookeeper() + "' not reachable within "
                    + d.timeout() + " (discovery.zookeeper)");
        }
        discovery = new DiscoveryNameResolverProvider(zk, ServiceRegistry.ROOT, ServiceWatcher.Protection.defaults(),
                meters);
        // grpc looks schemes up in its process-wide registry; a role process has exactly one provider
        NameResolverRegistry.getDefaultRegistry().register(discovery);
    }

    private void closeZooKeeper() {
        try {
            leases.forEach(WorkerIdLease::close);
            leases.clear();
            if (discovery != null) {
                NameResolverRegistry.getDefaultRegistry().deregister(discovery);
                discovery.close();
            }
        } finally {
            if (zk != null) {
                zk.close();
            }
        }
    }

    /** The configured worker id in one process; a lease from ZooKeeper when instances of a role come and go. */
    private long workerId(String space, long configured) throws Exception {
        if (!distributed) {
            return configured;
        }
        WorkerIdLease lease = WorkerIdLease.acquire(zk, "/plaza/snowflake/" + space, cfg.discovery().timeout());
        leases.add(lease);
        return lease.workerId();
    }

    private void connectRedis() {
        RedisConfig rc = endpoints == null ? cfg.redis() : new RedisConfig(endpoints.redisUri(), cfg.redis().timeout());
        redis = Redis.connect(rc);
    }

    private DbConfig db(DbConfig configured) {
        return endpoints == null ? configured : pointAt(endpoints, configured);
    }

    /** {@code configured} on the embedded MariaDB: its address and user, the configured database name and pool. */
    static DbConfig pointAt(Endpoints endpoints, DbConfig configured) {
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
        if (!runs(Role.ACCOUNT)) {
            return;
        }
        AccountConfig ac = cfg.account();
        account = AccountServer.create(new AccountConfig(db(ac.db()), ac.bcryptCost(), ac.sessionTtl(),
                ac.defaultFace(), ac.maxFailuresPerUser(), ac.maxFailuresPerIp(), ac.failureWindow()),
                redis, meters, clock);
    }

    /**
     * The channels to the services, one per service with that service's client settings: in process, or balanced
     * over the instances registered in ZooKeeper. A channel may name a server that starts later; nothing calls
     * through it before then.
     */
    private void openChannel() {
        Map<StandaloneConfig.Client, RpcChannels> byClient = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<String, RpcChannels> channelsOf = service -> byClient.computeIfAbsent(
                cfg.grpc().clientFor(service), this::rpcChannels);
        if (distributed) {
            channels = ServiceChannels.byTarget(channelsOf, DiscoveryNameResolverProvider.SCHEME);
            if (runs(Role.IM_JOB) && cfg.im().enabled()) {
                discoveredComets = new DiscoveredCometDirectory(discovery.watcher(CometGrpc.SERVICE_NAME),
                        channelsOf.apply(CometGrpc.SERVICE_NAME));
            }
        } else {
            channels = ServiceChannels.inProcess(channelsOf, IN_PROCESS);
        }
    }

    private RpcChannels rpcChannels(StandaloneConfig.Client client) {
        RpcChannels.Builder b = RpcChannels.builder(distributed ? name : "plaza-standalone")
                .meterRegistry(meters)
                .openTelemetry(tracing.openTelemetry())
                .defaultTimeout(cfg.grpc().defaultTimeout())
                .breaker(client.breaker())
                .retryConfig(client.retry())
                .bulkhead(client.bulkhead());
        cfg.grpc().methodTimeouts().forEach(t -> b.methodTimeout(t.method(), t.timeout()));
        Map<String, Fallback> fallbacks = new LinkedHashMap<>();
        cfg.grpc().fallbacks().forEach(f -> fallbacks.put(f.method(), f.fallback()));
        return b.fallbacks(fallbacks).build();
    }

    private void closeChannel() {
        if (discoveredComets != null) {
            discoveredComets.close();
        }
        if (channels != null) {
            channels.close();
        }
    }

    private <T> T stub(String service, java.util.function.Function<io.grpc.Channel, T> newStub) {
        return newStub.apply(channels.forService(service));
    }

    /** The gRPC services this process serves. */
    private List<BindableService> grpcServices() {
        List<BindableService> services = new ArrayList<>();
        if (account != null) {
            services.add(account.grpcService());
        }
        if (archive != null) {
            services.add(archive.grpcService());
        }
        if (runs(Role.COMMENT)) {
            services.add(comment.grpcService());
        }
        if (runs(Role.HISTORY)) {
            services.add(history.grpcService());
        }
        if (im != null && runs(Role.IM_LOGIC)) {
            services.add(im.logicGrpcService());
        }
        if (im != null && runs(Role.IM_COMET)) {
            services.add(im.cometGrpcService());
        }
        return services;
    }

    private void startRpc() throws Exception {
        List<BindableService> services = grpcServices();
        if (distributed && services.isEmpty()) {
            return; // a job: calls out, serves nothing
        }
        RpcServer.Builder b = RpcServer.builder(name)
                .meterRegistry(meters)
                .openTelemetry(tracing.openTelemetry())
                .defaultTimeout(cfg.grpc().defaultTimeout());
        services.forEach(b::addService);
        cfg.grpc().methodTimeouts().forEach(t -> b.methodTimeout(t.method(), t.timeout()));
        if (distributed) {
            b.host(cfg.grpc().host()).port(cfg.grpc().port());
            if (cfg.limiter().enabled()) {
                // every service sheds its own overload: its callers are other processes
                b.limiter(limiter("grpc"));
            }
        } else {
            b.inProcess(IN_PROCESS);
            if (cfg.grpc().port() > 0) {
                b.port(cfg.grpc().port());
            }
        }
        rpc = b.build();
        rpc.start();
    }

    /** Lists each served service under this instance; the comet under its server id, which logic routes to. */
    private void register() throws InterruptedException {
        if (!distributed || rpc == null) {
            return;
        }
        StandaloneConfig.Discovery d = cfg.discovery();
        registry = new ServiceRegistry(zk);
        String version = java.util.Objects.requireNonNullElse(Standalone.class.getPackage().getImplementationVersion(),
                "dev");
        for (BindableService s : grpcServices()) {
            String service = s.bindService().getServiceDescriptor().getName();
            String id = service.equals(CometGrpc.SERVICE_NAME) ? cfg.im().server() : d.host() + ":" + rpc.port();
            registry.register(new ServiceInstance(service, id, d.zone(), d.host(), rpc.port(), d.color(), d.weight(),
                    version), d.timeout());
        }
    }

    private void leave() throws InterruptedException {
        if (registry == null) {
            return;
        }
        registry.close();
        Thread.sleep(cfg.discovery().leaveDelay().toMillis());
    }

    private void startArchive() {
        if (!runs(Role.ARCHIVE)) {
            return;
        }
        ArchiveConfig ac = cfg.archive();
        archive = ArchiveServer.create(new ArchiveConfig(db(ac.db()), ac.accountTimeout(), ac.eventPartitions(),
                        ac.relayPollInterval(), ac.relayBatchSize()), redis,
                stub(AccountGrpc.SERVICE_NAME, AccountGrpc::newBlockingStub), kafkaBootstrap(), meters, clock);
        archive.start();
    }

    /** One producer for every system of the process (it batches, and its threads and buffers are per instance). */
    private void openProducer() {
        boolean imPushes = cfg.im().enabled() && runs(Role.IM_LOGIC, Role.IM_JOB); // a comet publishes nothing
        if (!runs(Role.COMMENT, Role.COMMENT_JOB, Role.COMMENT_ADMIN, Role.HISTORY, Role.HISTORY_JOB) && !imPushes) {
            return;
        }
        producer = MqProducer.create(KafkaConfig.of(kafkaBootstrap(), "plaza"), meters, tracing.openTelemetry());
    }

    /** The comment service and everything built on its store: the job and the admin. */
    private void startComment() throws Exception {
        if (!runs(Role.COMMENT, Role.COMMENT_JOB, Role.COMMENT_ADMIN)) {
            return;
        }
        KafkaConfig kafka = KafkaConfig.of(kafkaBootstrap(), "plaza-comment");
        CommentConfig cc = cfg.comment();
        CommentDbConfig dbs = commentDb(cc.db());
        int workerId = (int) workerId("comment", cc.workerId());
        comment = CommentServer.create(new CommentConfig(dbs, workerId, cc.eventPartitions(), cc.rpcTimeout(),
                        cc.ownerTtl(), cc.memberTtl(), cc.limits(), cc.sensitive(), cc.job(), cc.admin()), redis,
                stub(AccountGrpc.SERVICE_NAME, AccountGrpc::newBlockingStub),
                stub(ArchiveGrpc.SERVICE_NAME, ArchiveGrpc::newBlockingStub), producer, kafka, meters, clock);
    }

    /** Each configured comment database, pointed at the embedded server when engines are embedded. */
    private CommentDbConfig commentDb(CommentDbConfig configured) {
        return new CommentDbConfig(configured.databases().stream().map(this::db).toList(), configured.subjectTables(),
                configured.indexTables(), configured.contentTables(), configured.actionTables());
    }

    private void startCommentJob() {
        CommentConfig cc = cfg.comment();
        if (!runs(Role.COMMENT_JOB) || !cc.job().enabled()) {
            return;
        }
        commentJob = comment.job(KafkaConfig.of(kafkaBootstrap(), "plaza-comment-job"),
                cc.job().settings(cc.eventPartitions()), meters, tracing.openTelemetry());
        commentJob.start();
    }

    /** Needs a search cluster: the embedded one, or {@code opensearch.url} when engines are external. */
    private void startCommentAdmin() {
        CommentConfig cc = cfg.comment();
        if (!runs(Role.COMMENT_ADMIN) || !cc.admin().enabled()) {
            return;
        }
        String url = endpoints != null ? endpoints.opensearchUrl() : cfg.opensearch().url();
        if (url == null || url.isBlank()) {
            log.warn("comment admin disabled: no OpenSearch (start the OPENSEARCH engine or set opensearch.url)");
            return;
        }
        commentAdmin = AdminServer.create(cc.admin().config(commentDb(cc.db()), url, dataDir().resolve("comment-admin")),
                comment.shards(), comment.events(), meters, clock);
        commentAdmin.start();
    }

    /** The history service (with its merger) or only what its job needs. */
    private void startHistory() {
        if (!runs(Role.HISTORY, Role.HISTORY_JOB)) {
            return;
        }
        KafkaConfig kafka = KafkaConfig.of(kafkaBootstrap(), "plaza-history");
        HistoryConfig hc = cfg.history();
        HistoryDbConfig dbs = new HistoryDbConfig(hc.db().databases().stream().map(this::db).toList(),
                hc.db().tables());
        history = HistoryServer.create(new HistoryConfig(dbs, hc.cap(), hc.cacheTtl(), hc.flushInterval(),
                hc.maxPending(), hc.regions(), hc.flushPartitions(), hc.retention(), hc.cleanupInterval(),
                hc.rpcTimeout(), hc.zone(), hc.job(), hc.hot()), redis, producer, kafka, meters, clock);
        if (runs(Role.HISTORY)) {
            history.start();
        }
    }

    private void startIm() throws Exception {
        if (!runsIm()) {
            return;
        }
        // danmaku are held to the comment system's word list, as REJECT
        SensitiveFilter words = cfg.comment().sensitive().filter(SensitiveFilter.Mode.REJECT);
        ImConfig ic = cfg.im();
        PmDbConfig pmDb = ic.pm().db();
        ic = ic.withPm(ic.pm().withDb(new PmDbConfig(pmDb.databases().stream().map(this::db).toList(),
                pmDb.tables())).withWorkerId(workerId("pm", ic.pm().workerId())));
        CometDirectory comets = discoveredComets != null ? discoveredComets
                : StaticCometDirectory.of(ic.server(), channels.forService(CometGrpc.SERVICE_NAME));
        ImServer.Roles roles = new ImServer.Roles(runs(Role.IM_LOGIC), runs(Role.IM_COMET), runs(Role.IM_JOB));
        im = ImServer.create(roles, ic, redis, producer, kafkaBootstrap(), channels, comets, words, meters,
                tracing.openTelemetry(), clock);
        if (runs(Role.IM_LOGIC)) {
            im.startLogic();
        }
    }

    private void closeIm() throws Exception {
        close(im);
    }

    private void ifIm(Role role, java.util.function.Consumer<ImServer> step) {
        if (im != null && runs(role)) {
            step.accept(im);
        }
    }

    public ImServer im() {
        return im;
    }

    private void startHistoryJob() {
        if (!runs(Role.HISTORY_JOB) || !cfg.history().job().enabled()) {
            return;
        }
        historyJob = history.job(KafkaConfig.of(kafkaBootstrap(), "plaza-history-job"), meters,
                tracing.openTelemetry());
        historyJob.start();
    }

    /** In the all-in-one process only: the demo videos belong to a demo user of the same install. */
    private void seedDemo() {
        if (!cfg.demo().enabled() || account == null || archive == null || account.usecase().userCount() > 0) {
            return;
        }
        String pw = cfg.demo().password();
        User alice = account.usecase().register("alice", pw);
        account.usecase().register("bob", pw);
        account.usecase().register("admin", pw, true);
        archive.usecase().seedDemo(alice.mid());
        log.info("seeded demo users alice, bob, admin and demo videos");
    }

    private void startCpu() {
        if (cfg.limiter().enabled()) {
            cpu();
        }
    }

    /** The process's CPU usage (cgroup quota or the OS), sampled for the limiters; started once, on first use. */
    private CpuUsage cpu() {
        if (cpu == null) {
            cpu = CpuUsage.detect();
            cpu.start();
        }
        return cpu;
    }

    private BbrLimiter limiter(String name) {
        BbrLimiter limiter = BbrLimiter.builder(name, cpu()).config(cfg.limiter()).build();
        LimiterMetrics.bind(limiter, meters);
        return limiter;
    }

    /**
     * The HTTP edge: the routes of the roles this process runs, health and metrics. A role with no routes (a job)
     * still serves {@code /health} and {@code /metrics}.
     */
    private void startHttp() {
        HttpEdge.Builder b = HttpEdge.builder(cfg.http())
                .meterRegistry(meters)
                .metricsScrape(() -> Metrics.scrape(meters))
                .openTelemetry(tracing.openTelemetry());
        if (runs(Role.ACCOUNT, Role.ARCHIVE, Role.COMMENT, Role.COMMENT_ADMIN, Role.HISTORY, Role.IM_LOGIC)) {
            // sessions resolved once per few seconds, not per request; a logout here drops its token at once
            AccountAuthenticator sessions = new AccountAuthenticator(
                    stub(AccountGrpc.SERVICE_NAME, AccountGrpc::newBlockingStub), SESSION_CACHE_TTL, clock);
            if (account != null) {
                account.onLogout(sessions::forget);
            }
            b.authenticator(sessions);
        }
        if (account != null) {
            b.routes(account.httpRoutes()).readiness("account-db", account.database()::isHealthy);
        }
        if (archive != null) {
            b.routes(archive.httpRoutes()).readiness("archive-db", archive.database()::isHealthy);
        }
        if (comment != null) {
            b.readiness("comment-db", comment::isHealthy);
            if (runs(Role.COMMENT)) {
                b.routes(comment.httpRoutes(stub(CommentGrpc.SERVICE_NAME, CommentGrpc::newBlockingStub)));
            }
        }
        if (im != null && runs(Role.IM_LOGIC)) {
            b.routes(im.httpRoutes());
        }
        if (history != null) {
            b.readiness("history-db", history::isHealthy);
            if (runs(Role.HISTORY)) {
                b.routes(history.httpRoutes(stub(HistoryGrpc.SERVICE_NAME, HistoryGrpc::newBlockingStub),
                        stub(ArchiveGrpc.SERVICE_NAME, ArchiveGrpc::newBlockingStub),
                        stub(AccountGrpc.SERVICE_NAME, AccountGrpc::newBlockingStub)));
            }
        }
        if (commentAdmin != null) {
            b.routes(commentAdmin.httpRoutes());
        }
        if (!distributed && cfg.web().enabled()) {
            b.webApp(new WebApp(WEB_ROOT, WEB_PAGES));
        }
        if (redis != null) {
            b.readiness("redis", redis::isHealthy);
        }
        StandaloneConfig.RateLimit rl = cfg.rateLimit();
        b.rateLimits(rl.perIpRate() > 0 ? new KeyedRateLimiter("ip", rl.perIpRate(), rl.perIpBurst(), rl.idle(),
                        rl.maxKeys(), System::nanoTime, meters) : null,
                rl.perUserRate() > 0 ? new KeyedRateLimiter("user", rl.perUserRate(), rl.perUserBurst(), rl.idle(),
                        rl.maxKeys(), System::nanoTime, meters) : null);
        if (cfg.limiter().enabled()) {
            // in one process every gRPC call comes from an admitted HTTP request, and shedding it again inside would
            // waste the work already done: there the edge is the only place
            b.limiter(limiter("http"));
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
