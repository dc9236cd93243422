package dev.plaza.archive.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.archive.biz.ArchiveUsecase;
import dev.plaza.archive.biz.OwnerDirectory;
import dev.plaza.archive.data.GrpcOwnerDirectory;
import dev.plaza.archive.data.JdbcArchiveRepo;
import dev.plaza.archive.data.OutboxRelay;
import dev.plaza.archive.data.OutboxStore;
import dev.plaza.archive.data.RedisStatCounters;
import dev.plaza.archive.job.StatJob;
import dev.plaza.archive.service.ArchiveGrpcService;
import dev.plaza.archive.service.ArchiveHttpRoutes;
import dev.plaza.kit.db.Database;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.redis.Redis;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the video catalog's layers by hand: data -> biz -> service. The role that hosts it owns the transports.
 * With a Kafka bootstrap it runs the outbox relay and the {@link StatJob} (between {@link #start()} and
 * {@link #close()}); without one the catalog works the same, its events wait in {@code archive_outbox} until a
 * relay runs, and comments and danmaku are not counted in the stat.
 */
public final class ArchiveServer implements AutoCloseable {
    public static final String MIGRATIONS = "db/archive";
    /** The Kafka topic of {@code plaza.archive.v1.ArchiveEvent}, keyed by aid. */
    public static final String EVENTS_TOPIC = "archive-events";

    private final Database db;
    private final ArchiveUsecase usecase;
    private final OutboxStore outbox;
    private final OutboxRelay relay;
    private final StatJob stats;
    private final ArchiveGrpcService grpc;
    private final ArchiveHttpRoutes http;

    private ArchiveServer(Database db, ArchiveUsecase usecase, OutboxStore outbox, OutboxRelay relay,
                          StatJob stats) {
        this.db = db;
        this.usecase = usecase;
        this.outbox = outbox;
        this.relay = relay;
        this.stats = stats;
        this.grpc = new ArchiveGrpcService(usecase);
        this.http = new ArchiveHttpRoutes(usecase);
    }

    /**
     * Opens the database, applies migrations and builds the use cases. {@code redis} and {@code account} are shared
     * and not closed here. {@code kafkaBootstrapOrNull} null (or blank) runs no relay.
     */
    public static ArchiveServer create(ArchiveConfig cfg, Redis redis, AccountGrpc.AccountBlockingStub account,
                                       String kafkaBootstrapOrNull, MeterRegistry meters, Clock clock) {
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        Database db = Database.open(cfg.db(), "archive", registry);
        try {
            db.migrate(MIGRATIONS);
            OutboxStore outbox = new OutboxStore(db, clock);
            OutboxRelay relay = kafkaBootstrapOrNull == null || kafkaBootstrapOrNull.isBlank() ? null
                    : new OutboxRelay(outbox, new OutboxRelay.Settings(kafkaBootstrapOrNull, EVENTS_TOPIC,
                    cfg.eventPartitions(), cfg.relayPollInterval(), cfg.relayBatchSize()), registry);
            OwnerDirectory owners = account == null
                    ? mids -> Map.of()
                    : new GrpcOwnerDirectory(account, cfg.accountTimeout());
            ArchiveUsecase usecase = new ArchiveUsecase(
                    new JdbcArchiveRepo(db, clock, relay == null ? null : relay::wake),
                    new RedisStatCounters(redis),
                    owners);
            StatJob stats = relay == null ? null : new StatJob(usecase, KafkaConfig.of(kafkaBootstrapOrNull,
                    "plaza-archive-stat"), cfg.eventPartitions(), registry, OpenTelemetry.noop());
            return new ArchiveServer(db, usecase, outbox, relay, stats);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Starts the outbox relay and the stat consumer, with Kafka. */
    public void start() {
        if (relay != null) {
            relay.start();
        }
        if (stats != null) {
            stats.start();
        }
    }

    public BindableService grpcService() {
        return grpc;
    }

    public HttpRoutes httpRoutes() {
        return http;
    }

    public ArchiveUsecase usecase() {
        return usecase;
    }

    public Database database() {
        return db;
    }

    /** The relay, when a Kafka bootstrap was given. */
    public Optional<OutboxRelay> relay() {
        return Optional.ofNullable(relay);
    }

    /** Events not yet acknowledged by Kafka. */
    public long pendingEvents() {
        return outbox.pending();
    }

    /** Stops the stat consumer and the relay (each finishing what it holds), then closes the database. */
    @Override
    public void close() {
        try {
            if (stats != null) {
                stats.close();
            }
        } finally {
            try {
                if (relay != null) {
                    relay.close();
                }
            } finally {
                db.close();
            }
        }
    }
}
