package dev.plaza.im.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.im.v1.LogicGrpc;
import dev.plaza.im.comet.Comet;
import dev.plaza.im.comet.rpc.CometGrpcService;
import dev.plaza.im.comet.rpc.LogicCometListener;
import dev.plaza.im.job.ImJob;
import dev.plaza.im.job.CometDirectory;
import dev.plaza.im.live.biz.DanmakuUsecase;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.live.data.AccountUserNames;
import dev.plaza.im.live.data.ArchiveRoomDirectory;
import dev.plaza.im.live.data.DanmakuCountFeed;
import dev.plaza.im.live.data.PushRoomPublisher;
import dev.plaza.im.live.data.RedisDanmakuHistory;
import dev.plaza.im.live.data.RedisDanmakuRateLimiter;
import dev.plaza.im.live.data.RedisRoomQuota;
import dev.plaza.im.live.service.LiveHttpRoutes;
import dev.plaza.im.logic.server.LogicServer;
import dev.plaza.im.pm.server.PmServer;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.rpc.ServiceChannels;
import dev.plaza.kit.text.SensitiveFilter;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Wires the three messaging roles: logic (routing and pushes), a comet talking to logic over gRPC, and the job
 * delivering pushes to the comets over gRPC. The host starts the roles it runs: all three in the all-in-one process
 * (its gRPC server in process, one comet), or one of them in a role process (channels through discovery, the
 * comets found in ZooKeeper; {@link Roles} says which parts to build). Start order: {@link #startLogic}
 * before the host's gRPC server serves {@link #grpcServices()}, then {@link #startComet} and {@link #startJob};
 * {@link #close()} stops them in reverse.
 */
public final class ImServer implements AutoCloseable {
    private final ImConfig cfg;
    private final LogicServer logic;
    private final Comet comet;
    private final CometDirectory comets;
    private final KafkaConfig jobKafka;
    private final MeterRegistry meters;
    private final OpenTelemetry otel;
    private final DanmakuUsecase danmaku;
    private final PmServer pm;
    private ImJob job;

    private ImServer(ImConfig cfg, LogicServer logic, Comet comet, CometDirectory comets, KafkaConfig jobKafka,
                     MeterRegistry meters, OpenTelemetry otel, DanmakuUsecase danmaku, PmServer pm) {
        this.cfg = cfg;
        this.logic = logic;
        this.comet = comet;
        this.comets = comets;
        this.jobKafka = jobKafka;
        this.meters = meters;
        this.otel = otel;
        this.danmaku = danmaku;
        this.pm = pm;
    }

    /**
     * The parts of messaging a process runs. A comet process builds only the comet (no Redis routes, Kafka or
     * database pools: the comet tier is the one scaled out); logic and the job build logic's routing and push
     * publisher (the private-message job pushes through it) and, when enabled, private messages.
     */
    public record Roles(boolean logic, boolean comet, boolean job) {
        public static final Roles ALL = new Roles(true, true, true);

        boolean logicSide() {
            return logic || job;
        }
    }

    /** Every part, as the all-in-one process runs them. */
    public static ImServer create(ImConfig cfg, Redis redis, MqProducer producer, String kafkaBootstrap,
                                  ServiceChannels channels, CometDirectory comets, SensitiveFilter sensitive,
                                  MeterRegistry meters, OpenTelemetry otel, Clock clock) {
        return create(Roles.ALL, cfg, redis, producer, kafkaBootstrap, channels, comets, sensitive, meters, otel,
                clock);
    }

    /**
     * @param roles     the parts to build; the others stay null and their start and stop methods do nothing
     * @param redis     logic's routes and danmaku state (unused by a comet-only process)
     * @param producer  logic's pushes (unused by a comet-only process)
     * @param channels  where account, archive and logic are reached (in process, or through discovery)
     * @param comets    where the job finds the comets (this process's own, or those registered in discovery)
     * @param sensitive the words danmaku may not contain (the comment system's list)
     */
    public static ImServer create(Roles roles, ImConfig cfg, Redis redis, MqProducer producer, String kafkaBootstrap,
                                  ServiceChannels channels, CometDirectory comets, SensitiveFilter sensitive,
                                  MeterRegistry meters, OpenTelemetry otel, Clock clock) {
        Comet comet = roles.comet() ? new Comet(cfg.comet(), new LogicCometListener(LogicGrpc.newBlockingStub(
                channels.forService(LogicGrpc.SERVICE_NAME)), cfg.server()), meters) : null;
        if (!roles.logicSide()) {
            return new ImServer(cfg, null, comet, comets, null, meters, otel, null, null);
        }
        AccountGrpc.AccountBlockingStub account = AccountGrpc.newBlockingStub(
                channels.forService(AccountGrpc.SERVICE_NAME));
        LogicServer logic = LogicServer.create(cfg.logic(), redis, producer, KafkaConfig.of(kafkaBootstrap,
                "plaza-im-logic"), account, meters, otel, clock);
        Duration rpcTimeout = cfg.logic().accountTimeout();
        DanmakuUsecase danmaku = roles.logic() ? danmaku(cfg.live(), redis, producer, channels, account, rpcTimeout,
                sensitive, logic, meters, clock) : null;
        PmServer pm = null;
        if (cfg.pm().enabled()) {
            try {
                pm = PmServer.create(cfg.pm(), redis, producer, kafkaBootstrap, logic.pushes(), account, rpcTimeout,
                        meters, otel, clock);
            } catch (RuntimeException e) {
                logic.close();
                throw e;
            }
        }
        return new ImServer(cfg, logic, comet, comets, KafkaConfig.of(kafkaBootstrap, "plaza-im-job"), meters,
                otel, danmaku, pm);
    }

    private static DanmakuUsecase danmaku(LiveConfig live, Redis redis, MqProducer producer,
                                          ServiceChannels channels, AccountGrpc.AccountBlockingStub account,
                                          Duration rpcTimeout,
                                          SensitiveFilter sensitive, LogicServer logic, MeterRegistry meters,
                                          Clock clock) {
        return new DanmakuUsecase(live, sensitive,
                new ArchiveRoomDirectory(ArchiveGrpc.newBlockingStub(channels.forService(ArchiveGrpc.SERVICE_NAME)),
                        rpcTimeout),
                new RedisDanmakuRateLimiter(redis, live.perRoomBurst(), live.perRoomWindow()),
                RedisRoomQuota.of(redis, live.roomRate(), live.roomBurst(), meters),
                new PushRoomPublisher(logic.pushes()),
                new RedisDanmakuHistory(redis, live.historySize(), live.historyTtl()),
                new AccountUserNames(account, rpcTimeout), new DanmakuCountFeed(redis, producer, clock), clock);
    }

    /**
     * For users on the public edge: danmaku ({@code POST /msg/send}, the room's recent danmaku) and, when enabled,
     * private messages.
     */
    public HttpRoutes httpRoutes() {
        requirePart(danmaku, "logic");
        HttpRoutes live = new LiveHttpRoutes(danmaku, ZoneOffset.UTC, this::cometHosts);
        if (pm == null) {
            return live;
        }
        HttpRoutes pms = pm.httpRoutes();
        return registry -> {
            live.register(registry);
            pms.register(registry);
        };
    }

    /** This process's comet while it serves: what {@code getDanmuInfo} tells clients. */
    private List<LiveHttpRoutes.CometHost> cometHosts() {
        if (comet == null) {
            return List.of(); // a logic process: the comets are processes of their own
        }
        int tcp = comet.tcpPort();
        int ws = comet.wsPort();
        return tcp < 0 && ws < 0 ? List.of() : List.of(new LiveHttpRoutes.CometHost(cfg.comet().host(), tcp, ws));
    }

    /** Logic's and the comet's gRPC services, for the host's server. */
    public List<BindableService> grpcServices() {
        return List.of(logicGrpcService(), cometGrpcService());
    }

    /** Logic's gRPC service (comets' connect and heartbeat, pushes), for a host running logic. */
    public BindableService logicGrpcService() {
        return requirePart(logic, "logic").grpcService();
    }

    /** The comet's gRPC service (the job's deliveries), for a host running the comet. */
    public BindableService cometGrpcService() {
        return new CometGrpcService(requirePart(comet, "comet"));
    }

    /** Starts logic's HTTP push API (the topic exists from {@link #create}). */
    public void startLogic() {
        requirePart(logic, "logic").start();
    }

    /** Binds the comet's TCP and WebSocket servers; auth calls logic through the host's gRPC server. */
    public void startComet() {
        requirePart(comet, "comet").start();
    }

    /**
     * Starts the jobs (each when enabled): the push job delivering to this process's comet, and the
     * private-message job.
     */
    public void startJob() {
        requirePart(logic, "job");
        if (cfg.jobEnabled() && job == null) {
            job = new ImJob(comets, jobKafka, cfg.job(), meters, otel);
            job.start();
        }
        if (pm != null) {
            pm.startJob();
        }
    }

    /** Stops the jobs: what they have not delivered stays in Kafka for the next start. */
    public void stopJob() {
        try {
            if (pm != null) {
                pm.stopJob();
            }
        } finally {
            if (job != null) {
                job.close();
                job = null;
            }
        }
    }

    /** Stops the comet: no new connections, queued packets drained, connections closed. */
    public void stopComet() {
        if (comet != null) {
            comet.close();
        }
    }

    /** The comet, or null when this process does not run one. */
    public Comet comet() {
        return comet;
    }

    /** Logic, or null in a comet-only process. */
    public LogicServer logic() {
        return logic;
    }

    /** Private messages, or null when disabled. */
    public PmServer pm() {
        return pm;
    }

    public boolean isHealthy() {
        return (logic == null || logic.isHealthy()) && (pm == null || pm.isHealthy());
    }

    private static <T> T requirePart(T part, String role) {
        if (part == null) {
            throw new IllegalStateException("this process was not built to run im " + role);
        }
        return part;
    }

    /** The job first (nothing more to deliver), then the comet (drains its connections), then logic. */
    @Override
    public void close() {
        try {
            stopJob();
        } finally {
            try {
                stopComet();
            } finally {
                try {
                    if (pm != null) {
                        pm.close();
                    }
                } finally {
                    if (logic != null) {
                        logic.close();
                    }
                }
            }
        }
    }
}
