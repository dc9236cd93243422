package dev.plaza.im.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.im.v1.LogicGrpc;
import dev.plaza.im.comet.Comet;
import dev.plaza.im.comet.rpc.CometGrpcService;
import dev.plaza.im.comet.rpc.LogicCometListener;
import dev.plaza.im.job.ImJob;
import dev.plaza.im.job.StaticCometDirectory;
import dev.plaza.im.live.biz.DanmakuUsecase;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.live.data.AccountUserNames;
import dev.plaza.im.live.data.ArchiveRoomDirectory;
import dev.plaza.im.live.data.PushRoomPublisher;
import dev.plaza.im.live.data.RedisDanmakuHistory;
import dev.plaza.im.live.data.RedisDanmakuRateLimiter;
import dev.plaza.im.live.service.LiveHttpRoutes;
import dev.plaza.im.logic.server.LogicServer;
import dev.plaza.im.pm.server.PmServer;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.text.SensitiveFilter;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Wires the three messaging roles for one process: logic (routing and pushes), one comet talking to logic over
 * gRPC, and the job delivering pushes to that comet over gRPC. In separate processes each role is wired the same
 * way with remote channels; here the host serves the gRPC services in process. Start order: {@link #startLogic}
 * before the host's gRPC server serves {@link #grpcServices()}, then {@link #startComet} and {@link #startJob};
 * {@link #close()} stops them in reverse.
 */
public final class ImServer implements AutoCloseable {
    private final ImConfig cfg;
    private final LogicServer logic;
    private final Comet comet;
    private final Channel channel;
    private final KafkaConfig jobKafka;
    private final MeterRegistry meters;
    private final OpenTelemetry otel;
    private final DanmakuUsecase danmaku;
    private final PmServer pm;
    private ImJob job;

    private ImServer(ImConfig cfg, LogicServer logic, Comet comet, Channel channel, KafkaConfig jobKafka,
                     MeterRegistry meters, OpenTelemetry otel, DanmakuUsecase danmaku, PmServer pm) {
        this.cfg = cfg;
        this.logic = logic;
        this.comet = comet;
        this.channel = channel;
        this.jobKafka = jobKafka;
        this.meters = meters;
        this.otel = otel;
        this.danmaku = danmaku;
        this.pm = pm;
    }

    /**
     * @param channel   a channel to the host's gRPC server (in process), which serves {@link #grpcServices()} and the
     *                  account and archive services
     * @param sensitive the words danmaku may not contain (the comment system's list)
     */
    public static ImServer create(ImConfig cfg, Redis redis, MqProducer producer, String kafkaBootstrap,
                                  Channel channel, SensitiveFilter sensitive, MeterRegistry meters,
                                  OpenTelemetry otel, Clock clock) {
        LogicServer logic = LogicServer.create(cfg.logic(), redis, producer, KafkaConfig.of(kafkaBootstrap,
                "plaza-im-logic"), AccountGrpc.newBlockingStub(channel), meters, otel, clock);
        Comet comet = new Comet(cfg.comet(), new LogicCometListener(LogicGrpc.newBlockingStub(channel),
                cfg.server()), meters);
        Duration rpcTimeout = cfg.logic().accountTimeout();
        LiveConfig live = cfg.live();
        DanmakuUsecase danmaku = new DanmakuUsecase(live, sensitive,
                new ArchiveRoomDirectory(ArchiveGrpc.newBlockingStub(channel), rpcTimeout),
                new RedisDanmakuRateLimiter(redis, live.perRoomBurst(), live.perRoomWindow()),
                new PushRoomPublisher(logic.pushes()),
                new RedisDanmakuHistory(redis, live.historySize(), live.historyTtl()),
                new AccountUserNames(AccountGrpc.newBlockingStub(channel), rpcTimeout), clock);
        PmServer pm = null;
        if (cfg.pm().enabled()) {
            try {
                pm = PmServer.create(cfg.pm(), redis, producer, kafkaBootstrap, logic.pushes(),
                        AccountGrpc.newBlockingStub(channel), rpcTimeout, meters, otel, clock);
            } catch (RuntimeException e) {
                logic.close();
                throw e;
            }
        }
        return new ImServer(cfg, logic, comet, channel, KafkaConfig.of(kafkaBootstrap, "plaza-im-job"), meters,
                otel, danmaku, pm);
    }

    /**
     * For users on the public edge: danmaku ({@code POST /msg/send}, the room's recent danmaku) and, when enabled,
     * private messages.
     */
    public HttpRoutes httpRoutes() {
        HttpRoutes live = new LiveHttpRoutes(danmaku, ZoneOffset.UTC);
        if (pm == null) {
            return live;
        }
        HttpRoutes pms = pm.httpRoutes();
        return registry -> {
            live.register(registry);
            pms.register(registry);
        };
    }

    /** Logic's and the comet's gRPC services, for the host's server. */
    public List<BindableService> grpcServices() {
        return List.of(logic.grpcService(), new CometGrpcService(comet));
    }

    /** Starts logic's HTTP push API (the topic exists from {@link #create}). */
    public void startLogic() {
        logic.start();
    }

    /** Binds the comet's TCP and WebSocket servers; auth calls logic through the host's gRPC server. */
    public void startComet() {
        comet.start();
    }

    /**
     * Starts the jobs (each when enabled): the push job delivering to this process's comet, and the
     * private-message job.
     */
    public void startJob() {
        if (cfg.jobEnabled() && job == null) {
            job = new ImJob(StaticCometDirectory.of(cfg.server(), channel), jobKafka, cfg.job(), meters, otel);
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
        comet.close();
    }

    public Comet comet() {
        return comet;
    }

    public LogicServer logic() {
        return logic;
    }

    /** Private messages, or null when disabled. */
    public PmServer pm() {
        return pm;
    }

    public boolean isHealthy() {
        return logic.isHealthy() && (pm == null || pm.isHealthy());
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
                    logic.close();
                }
            }
        }
    }
}
